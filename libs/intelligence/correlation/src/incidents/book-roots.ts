import { entityKey, type Insight } from '@tapio/domain';

/** Insights are replaced, never edited: their root's key is read once. */
const rootKeys = new WeakMap<Insight, string>();

/** The entity key of an insight's root cause (what folding compares). */
export function insightRootKey(insight: Insight): string {
  let key = rootKeys.get(insight);
  if (key === undefined) rootKeys.set(insight, (key = entityKey(insight.rootCause.entity)));
  return key;
}

/** Incidents noted as changed beyond this many between two fold passes: the next pass takes the whole book. */
const MAX_NOTED = 20_000;

/** The incidents whose insight changed (or that came or left) since a fold pass last asked. */
export interface ChangedIncidents {
  /** More changed than was noted: everything may have. */
  all: boolean;
  ids: ReadonlySet<string>;
  /** The root keys that came into the book or left it (present now or not). */
  keys: ReadonlySet<string>;
}

/**
 * The incident book's roots counted by key as incidents are admitted, recomposed and
 * forgotten: a fold pass reads the roots present (and the incidents of a few of them)
 * instead of visiting every incident, and `version` tells it whether that set changed.
 * It also notes which incidents' insights changed, so a pass folds again only around them.
 */
export class BookRoots {
  private readonly byKey = new Map<string, Set<string>>();
  private changes = 0;
  private noted = new Set<string>();
  private notedKeys = new Set<string>();
  private overflow = false;

  /** Changes whenever a root key appears in the book or leaves it. */
  get version(): number {
    return this.changes;
  }

  /** The root keys present, each with the ids of its incidents. */
  get keys(): ReadonlyMap<string, ReadonlySet<string>> {
    return this.byKey;
  }

  /** An incident's insight was replaced (a new time, confidence or story), its root key the same or not. */
  touch(id: string): void {
    if (this.overflow) return;
    this.noted.add(id);
    if (this.noted.size <= MAX_NOTED && this.notedKeys.size <= MAX_NOTED) return;
    this.overflow = true;
    this.noted = new Set();
    this.notedKeys = new Set();
  }

  /** The incidents changed since the last call (then forgotten). */
  takeChanged(): ChangedIncidents {
    const taken = { all: this.overflow, ids: this.noted, keys: this.notedKeys };
    this.noted = new Set();
    this.notedKeys = new Set();
    this.overflow = false;
    return taken;
  }

  add(id: string, key: string): void {
    this.touch(id);
    let ids = this.byKey.get(key);
    if (!ids) {
      this.byKey.set(key, (ids = new Set()));
      this.changes += 1;
      if (!this.overflow) this.notedKeys.add(key);
    }
    ids.add(id);
  }

  remove(id: string, key: string): void {
    this.touch(id);
    const ids = this.byKey.get(key);
    if (!ids?.delete(id) || ids.size > 0) return;
    this.byKey.delete(key);
    this.changes += 1;
    if (!this.overflow) this.notedKeys.add(key);
  }

  /** An incident's insight was replaced: its root key may have changed with it. */
  replace(id: string, before: Insight, after: Insight): void {
    this.touch(id);
    const from = insightRootKey(before);
    const to = insightRootKey(after);
    if (from === to) return;
    this.remove(id, from);
    this.add(id, to);
  }
}

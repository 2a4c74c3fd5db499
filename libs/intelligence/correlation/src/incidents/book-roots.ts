import { entityKey, type Insight } from '@tapio/domain';

/** Insights are replaced, never edited: their root's key is read once. */
const rootKeys = new WeakMap<Insight, string>();

/** The entity key of an insight's root cause (what folding compares). */
export function insightRootKey(insight: Insight): string {
  let key = rootKeys.get(insight);
  if (key === undefined) rootKeys.set(insight, (key = entityKey(insight.rootCause.entity)));
  return key;
}

/**
 * The incident book's roots counted by key as incidents are admitted, recomposed and
 * forgotten: a fold pass reads the roots present (and the incidents of a few of them)
 * instead of visiting every incident, and `version` tells it whether that set changed.
 */
export class BookRoots {
  private readonly byKey = new Map<string, Set<string>>();
  private changes = 0;

  /** Changes whenever a root key appears in the book or leaves it. */
  get version(): number {
    return this.changes;
  }

  /** The root keys present, each with the ids of its incidents. */
  get keys(): ReadonlyMap<string, ReadonlySet<string>> {
    return this.byKey;
  }

  add(id: string, key: string): void {
    let ids = this.byKey.get(key);
    if (!ids) {
      this.byKey.set(key, (ids = new Set()));
      this.changes += 1;
    }
    ids.add(id);
  }

  remove(id: string, key: string): void {
    const ids = this.byKey.get(key);
    if (!ids?.delete(id) || ids.size > 0) return;
    this.byKey.delete(key);
    this.changes += 1;
  }

  /** An incident's insight was replaced: its root key may have changed with it. */
  replace(id: string, before: Insight, after: Insight): void {
    const from = insightRootKey(before);
    const to = insightRootKey(after);
    if (from === to) return;
    this.remove(id, from);
    this.add(id, to);
  }
}

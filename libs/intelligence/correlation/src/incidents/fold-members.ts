import type { ChangedIncidents } from './book-roots.js';
import type { FoldRelations } from './fold-relations.js';

/** The book's roots as a fold pass reads them: their keys (with incident ids) and a count of their changes. */
export interface BookRootsView {
  readonly version: number;
  readonly keys: ReadonlyMap<string, ReadonlySet<string>>;
  /** The incidents changed since the last call; without it every pass folds the whole book again. */
  takeChanged?(): ChangedIncidents;
}

/**
 * Which roots take part in a fold pass (IncidentFolds.refoldBook): those with a cause
 * present (FoldRelations.causesOf) and those causes; every root while a Service root is in
 * the book. Kept from pass to pass: only roots that came, went, whose facts were forgotten
 * or that use or call a cause root that came or went are asked again, so a pass no longer
 * asks every root of the book. Everything is asked again when FoldRelations says all may
 * have changed, and when a NetworkPolicy root is present and edges changed (what a policy
 * selects is read from them).
 */
export class FoldMembers {
  private rootsVersion = -1;
  private edgeVersion = -1;
  private anyService = false;
  private policyRoots: string[] = [];
  /** The Service and NetworkPolicy roots present, kept as keys come and go. */
  private readonly serviceRoots = new Set<string>();
  private readonly policySet = new Set<string>();
  /** The book's roots the last pass read (the keys it notes are relative to that pass). */
  private lastRoots: BookRootsView | undefined;
  /** What each present root named as its causes at the last pass that asked it. */
  private readonly causesByRoot = new Map<string, readonly string[]>();
  /** How many reasons each root has to take part: causes of its own, and roots naming it. */
  private readonly reasons = new Map<string, number>();
  /** The roots naming each cause (`causesByRoot` read backwards), so a pass can find what a root folds with. */
  private readonly namedBy = new Map<string, Set<string>>();
  private complete = false;
  /** Whether the last pass asked every root again (or took every root: a Service root present). */
  private everyone = true;
  /** The roots asked again or dropped by the last pass: their causes may differ from the pass before. */
  private readonly asked = new Set<string>();

  /** True when the last `taking` asked every root again or took them all: nothing from before it holds. */
  get askedEveryone(): boolean {
    return this.everyone;
  }

  /** The roots whose causes the last `taking` asked again or dropped (meaningful unless `askedEveryone`). */
  get askedAgain(): ReadonlySet<string> {
    return this.asked;
  }

  /** True while a Service root is in the book: every root takes part, all in one search. */
  get everyRootTakesPart(): boolean {
    return this.anyService;
  }

  /** Whether `key` takes part (has a cause present, or is one). */
  takesPart(key: string): boolean {
    return this.reasons.has(key);
  }

  /** The roots `key` folds with: the causes it names and the roots naming it. */
  *linked(key: string): Iterable<string> {
    yield* this.causesByRoot.get(key) ?? [];
    yield* this.namedBy.get(key) ?? [];
  }

  /** The NetworkPolicy roots present (what `causesOf` checks selectors of). */
  get policies(): readonly string[] {
    return this.policyRoots;
  }

  /**
   * The roots taking part in this pass; `causesOf` answers for the present roots (cached by
   * the caller). `changed`: what the book noted since the last pass (its keys that came or
   * went), so only those are looked at; without it every key of the book is.
   */
  taking(roots: BookRootsView, relations: FoldRelations, causesOf: (key: string) => readonly string[], changed?: ChangedIncidents): Iterable<string> {
    const forgotten = relations.takeForgotten();
    this.asked.clear();
    this.everyone = false;
    const rootsChanged = roots.version !== this.rootsVersion;
    // The keys that came or went, when they are all that changed since the last pass read this book.
    const keys = changed && !changed.all && roots === this.lastRoots ? changed.keys : undefined;
    this.lastRoots = roots;
    if (rootsChanged) {
      this.rootsVersion = roots.version;
      if (keys) {
        for (const key of keys) {
          const kind = relations.kindOf(key);
          const roles = kind === 'Service' ? this.serviceRoots : kind === 'NetworkPolicy' ? this.policySet : undefined;
          if (roots.keys.has(key)) roles?.add(key);
          else roles?.delete(key);
        }
        relations.notePresentChanges(keys, roots.keys);
      } else {
        this.serviceRoots.clear();
        this.policySet.clear();
        for (const key of roots.keys.keys()) {
          const kind = relations.kindOf(key);
          if (kind === 'Service') this.serviceRoots.add(key);
          else if (kind === 'NetworkPolicy') this.policySet.add(key);
        }
        // May say that every answer changed (the cause-kind roots present did): asked again below.
        relations.notePresent(roots.keys);
      }
      this.anyService = this.serviceRoots.size > 0;
      this.policyRoots = [...this.policySet];
    }
    const policiesStale = this.policyRoots.length > 0 && relations.edgeVersion !== this.edgeVersion;
    this.edgeVersion = relations.edgeVersion;
    if (this.anyService) {
      this.complete = false;
      this.everyone = true;
      return roots.keys.keys();
    }
    const again = relations.takeForgotten();
    if (!this.complete || forgotten.all || again.all || policiesStale) {
      this.causesByRoot.clear();
      this.reasons.clear();
      this.namedBy.clear();
      for (const key of roots.keys.keys()) this.ask(key, causesOf);
      this.complete = true;
      this.everyone = true;
      return this.takingKeys();
    }
    if (rootsChanged) {
      if (keys) {
        for (const key of keys) {
          const known = this.causesByRoot.has(key);
          if (!roots.keys.has(key)) {
            if (known) this.drop(key);
          } else if (!known) this.ask(key, causesOf);
        }
      } else {
        for (const key of [...this.causesByRoot.keys()]) if (!roots.keys.has(key)) this.drop(key);
        for (const key of roots.keys.keys()) if (!this.causesByRoot.has(key)) this.ask(key, causesOf);
      }
    }
    const stale = new Set<string>();
    for (const key of [...forgotten.roots, ...again.roots]) if (roots.keys.has(key)) stale.add(key);
    // Only roots whose facts use or call a cause that came or went answer differently.
    for (const cause of [...forgotten.causes, ...again.causes]) {
      for (const key of relations.namersOf(cause)) if (roots.keys.has(key) && !stale.has(key) && relations.mayName(key, cause)) stale.add(key);
    }
    for (const key of stale) {
      this.drop(key);
      this.ask(key, causesOf);
    }
    return this.takingKeys();
  }

  private takingKeys(): string[] {
    const keys: string[] = [];
    for (const [key, count] of this.reasons) if (count > 0) keys.push(key);
    return keys;
  }

  private ask(key: string, causesOf: (key: string) => readonly string[]): void {
    const causes = causesOf(key);
    this.causesByRoot.set(key, causes);
    this.asked.add(key);
    if (causes.length === 0) return;
    this.count(key, 1);
    for (const cause of causes) {
      this.count(cause, 1);
      let naming = this.namedBy.get(cause);
      if (!naming) this.namedBy.set(cause, (naming = new Set()));
      naming.add(key);
    }
  }

  private drop(key: string): void {
    const causes = this.causesByRoot.get(key);
    this.causesByRoot.delete(key);
    this.asked.add(key);
    if (!causes || causes.length === 0) return;
    this.count(key, -1);
    for (const cause of causes) {
      this.count(cause, -1);
      const naming = this.namedBy.get(cause);
      if (naming?.delete(key) && naming.size === 0) this.namedBy.delete(cause);
    }
  }

  private count(key: string, delta: number): void {
    const count = (this.reasons.get(key) ?? 0) + delta;
    if (count > 0) this.reasons.set(key, count);
    else this.reasons.delete(key);
  }
}

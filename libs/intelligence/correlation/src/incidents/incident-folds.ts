import { type CorrelationState, type IncidentFold, type Insight } from '@tapio/domain';
import { FoldMembers, type BookRootsView } from './fold-members.js';
import type { FoldRelations } from './fold-relations.js';
import { insightRootKey as rootKeyOf } from './book-roots.js';
import { DEFAULT_MAX_INCIDENTS } from './incident-book.js';
import { absorb, assignFolds, CAUSE_KINDS, foldRanked, type FoldTarget } from './incident-folding.js';
import { rankInsights } from './insight-ranking.js';

/** The book as folding reads it: its insights' root keys with their incidents, and an insight by id. */
export interface FoldableBook {
  readonly roots: BookRootsView;
  insight(id: string): Insight | undefined;
  hasRootOfKind(kinds: ReadonlySet<string>): boolean;
}

function foldLink(other: Insight, reason: string): IncidentFold {
  return {
    insightId: other.id,
    title: other.title,
    severity: other.severity,
    ...(other.pattern ? { pattern: other.pattern } : {}),
    rootCause: other.rootCause.entity,
    reason,
  };
}

const sameTarget = (a: FoldTarget | undefined, b: FoldTarget | undefined) => a?.rootId === b?.rootId && a?.reason === b?.reason;

/**
 * The engine's folding, kept as incidents change (events arrive over time): which incident
 * each incident is folded into, recomputed over the incident book whenever an insight
 * changes, so a later root cause folds earlier incidents and a fold whose evidence no
 * longer holds (a selector fixed, a dependency gone) is undone. A folded incident that left
 * the book (over) stays folded while its root is in the book: that is history, not
 * evidence to re-check. Deterministic in event order, so a warm start's replay rebuilds it.
 */
export class IncidentFolds {
  private into = new Map<string, FoldTarget>();
  /** The raw (unfolded) insight of every incident named by a fold, so one that left the book can still be shown. */
  private known = new Map<string, Insight>();
  /** The folded incidents that left the book and stay folded (history), oldest first. */
  private gone = new Map<string, true>();

  /**
   * `maxGone`: folds kept of incidents that left the book, the oldest forgotten beyond it. A
   * root that stays open (a ConfigMap edited again and again) would otherwise keep every
   * incident ever folded into it: in a 30-minute soak `known` grew from 9,793 to 65,273
   * objects in 21 minutes while everything else held still.
   */
  constructor(private readonly maxGone = DEFAULT_MAX_INCIDENTS) {}

  /**
   * Recomputes the folds over `ranked` (the book's insights, most likely first). Returns the
   * ids whose fold changed: incidents folded or unfolded, and the roots that gained or lost them.
   */
  refold(ranked: readonly Insight[], state: CorrelationState): Set<string> {
    const inBook = new Map(ranked.map((insight) => [insight.id, insight]));
    return this.settle(assignFolds(ranked, state), (id) => inBook.get(id));
  }

  /**
   * `refold` over the whole book, the same folds, without ranking and searching all of it:
   * only incidents whose root may explain another's, or whose root another's may explain
   * (FoldRelations.causesOf), can fold, so only those are ranked and searched. A Service
   * root can be explained by any root: with one in the book, every incident takes part.
   */
  refoldBook(book: FoldableBook, relations: FoldRelations): Set<string> {
    const present = book.roots.keys;
    relations.begin(present);
    const causes = new Map<string, string[]>();
    const causesOf = (key: string) => {
      let found = causes.get(key);
      if (!found) causes.set(key, (found = relations.causesOf(key, present, this.members.policies)));
      return found;
    };
    const memberInsights: Insight[] = [];
    for (const key of this.members.taking(book.roots, relations, causesOf)) {
      for (const id of present.get(key) ?? []) {
        const insight = book.insight(id);
        if (insight) memberInsights.push(insight);
      }
    }
    const ranked = memberInsights.sort(rankInsights);
    const roots = ranked.map(rootKeyOf);
    const indexes = new Map<string, number[]>();
    roots.forEach((key, index) => (indexes.get(key) ?? indexes.set(key, []).get(key))?.push(index));
    const everyone = roots.map((_, index) => index);
    const candidatesOf = (index: number): number[] => {
      const root = roots[index] as string;
      if (relations.kindOf(root) === 'Service') return everyone;
      const found = new Set<number>();
      for (const cause of causesOf(root)) for (const other of indexes.get(cause) ?? []) found.add(other);
      return [...found].sort((a, b) => a - b);
    };
    return this.settle(
      foldRanked(ranked, roots, candidatesOf, (cause, root) => relations.explains(cause, root)),
      (id) => book.insight(id),
    );
  }

  /** Which roots take part in a pass, kept from pass to pass. */
  private readonly members = new FoldMembers();

  /** Takes `next` as the folds, keeping those of incidents that left the book; returns the ids whose fold changed. */
  private settle(next: Map<string, FoldTarget>, inBook: (id: string) => Insight | undefined): Set<string> {
    // Over and gone from the book: it stays folded into a root that is still open and not folded
    // itself. Those kept before first (oldest first), then those that left since; the oldest go beyond maxGone.
    const gone = new Map<string, true>();
    const keep = (folded: string) => {
      const target = this.into.get(folded);
      if (gone.has(folded) || !target || inBook(folded) || !inBook(target.rootId) || next.has(target.rootId)) return;
      next.set(folded, target);
      gone.set(folded, true);
    };
    for (const folded of this.gone.keys()) keep(folded);
    for (const folded of this.into.keys()) keep(folded);
    for (const folded of gone.keys()) {
      if (gone.size <= this.maxGone) break;
      gone.delete(folded);
      next.delete(folded);
    }
    this.gone = gone;
    const changed = new Set<string>();
    for (const id of new Set([...this.into.keys(), ...next.keys()])) {
      const before = this.into.get(id);
      const after = next.get(id);
      if (sameTarget(before, after)) continue;
      changed.add(id);
      if (before) changed.add(before.rootId);
      if (after) changed.add(after.rootId);
    }
    const known = new Map<string, Insight>();
    for (const [folded, target] of next) {
      for (const id of [folded, target.rootId]) {
        const insight = inBook(id) ?? this.known.get(id);
        if (insight) known.set(id, insight);
      }
    }
    this.into = next;
    this.known = known;
    return changed;
  }

  /**
   * Whether a refold can find anything: a fold to keep or undo, or an incident whose root can
   * explain another (every fold has such a cause: `explains`). Most books hold none, and then
   * the book is neither ranked nor searched (the hot path stays as it was).
   */
  worthRefolding(book: { hasRootOfKind(kinds: ReadonlySet<string>): boolean }): boolean {
    return this.into.size > 0 || book.hasRootOfKind(CAUSE_KINDS);
  }

  /** The incident `id` is folded into, if any. */
  rootOf(id: string): string | undefined {
    return this.into.get(id)?.rootId;
  }

  /** The ids of the incidents folded into `id`, most likely first. */
  foldedInto(id: string): string[] {
    return [...this.into].filter(([, target]) => target.rootId === id).map(([folded]) => folded);
  }

  /**
   * The insight as stored and shown: a folded incident names the one that explains it; a
   * root lists what it explains and takes their symptoms, affected entities, the louder
   * severity and an "Also explains" story line.
   */
  view(insight: Insight): Insight {
    const target = this.into.get(insight.id);
    if (target) {
      const root = this.known.get(target.rootId);
      return root ? { ...insight, explainedBy: foldLink(root, target.reason) } : insight;
    }
    const folded = [...this.into].flatMap(([id, { rootId, reason }]) => {
      const other = rootId === insight.id ? this.known.get(id) : undefined;
      return other ? [{ other, reason }] : [];
    });
    if (folded.length === 0) return insight;
    return {
      ...absorb(
        insight,
        folded.map(({ other }) => other),
      ),
      alsoExplains: folded.map(({ other, reason }) => foldLink(other, reason)),
    };
  }
}

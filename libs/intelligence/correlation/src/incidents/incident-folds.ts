import { type CorrelationState, type Insight } from '@tapio/domain';
import { FoldMembers, type BookRootsView } from './fold-members.js';
import type { FoldRelations } from './fold-relations.js';
import { insightRootKey as rootKeyOf } from './book-roots.js';
import { componentRoots, foldComponent, sameRanking, type ComponentInputs, type FoldComponent } from './fold-components.js';
import { DEFAULT_MAX_INCIDENTS } from './incident-book.js';
import { assignFolds, CAUSE_KINDS, type FoldTarget } from './incident-folding.js';
import { rankInsights } from './insight-ranking.js';
import { foldLink, RootViews } from './root-views.js';

/** The book as folding reads it: its insights' root keys with their incidents, and an insight by id. */
export interface FoldableBook {
  readonly roots: BookRootsView;
  insight(id: string): Insight | undefined;
  hasRootOfKind(kinds: ReadonlySet<string>): boolean;
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
  /** The folds of incidents in the book (the union of the live components' folds). */
  private folds = new Map<string, FoldTarget>();
  /** The folded incidents that left the book and stay folded (history), oldest first. */
  private gone = new Map<string, FoldTarget>();
  /** The insight of every incident named by a fold as of the last pass, so one that left the book can still be shown. */
  private readonly known = new Map<string, Insight>();
  /** Per root incident: the incidents in the book folded into it, most likely first; and those gone, oldest first. */
  private readonly foldedByRoot = new Map<string, string[]>();
  private goneByRoot = new Map<string, string[]>();
  /** The components folded at the last passes, by root key and by incident id. */
  private readonly live = new Set<FoldComponent>();
  private readonly componentOfRoot = new Map<string, FoldComponent>();
  private readonly componentOfId = new Map<string, FoldComponent>();
  /** The views of roots with folded incidents, built again only when what they read changed. */
  private readonly rootViews = new RootViews();
  /** The book's roots the last pass read (its changes are noted since then). */
  private lastRoots: BookRootsView | undefined;

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
    this.lastRoots = undefined;
    const whole: FoldComponent = { roots: [], ids: ranked.map((insight) => insight.id), keys: ranked.map(rootKeyOf), folds: assignFolds(ranked, state) };
    return this.install([...this.live], [whole], (id) => inBook.get(id));
  }

  /**
   * `refold` over the whole book, the same folds, searching only around what changed. Only
   * incidents whose root may explain another's, or whose root another's may explain
   * (FoldRelations.causesOf), can fold, and they fold only within their component
   * (fold-components.ts): a pass folds again the components holding an incident that came,
   * left or changed its root (the book notes them), a root whose causes were asked again
   * (FoldMembers), or an incident whose insight changed in a way that moved the component's
   * ranking (`sameRanking`), and keeps every other component's folds. A Service root can be
   * explained by any root: with one in the book, every incident takes part in one search.
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
    const changed = book.roots.takeChanged?.();
    const taking = this.members.taking(book.roots, relations, causesOf, changed);
    const whole = !changed || changed.all || book.roots !== this.lastRoots || this.members.askedEveryone;
    this.lastRoots = book.roots;
    const inputs: ComponentInputs = { present, insight: (id) => book.insight(id), causesOf, kindOf: (key) => relations.kindOf(key), explains: (cause, root) => relations.explains(cause, root) };
    const inBook = (id: string) => book.insight(id);
    if (this.members.everyRootTakesPart) return this.install([...this.live], [foldComponent([...taking], inputs)], inBook);
    const removed = new Set<FoldComponent>();
    const seeds: string[] = [];
    const take = (component: FoldComponent | undefined) => {
      if (!component || removed.has(component)) return;
      removed.add(component);
      seeds.push(...component.roots);
    };
    /** Components holding a changed insight that still has a root of theirs: folded again only if their ranking changed. */
    const reranked = new Set<FoldComponent>();
    if (whole) {
      for (const component of this.live) removed.add(component);
      seeds.push(...taking);
    } else {
      seeds.push(...this.members.askedAgain);
      for (const id of changed.ids) {
        const component = this.componentOfId.get(id);
        const insight = book.insight(id);
        if (component && insight && this.componentOfRoot.get(rootKeyOf(insight)) === component) {
          reranked.add(component);
          continue;
        }
        take(component);
        if (insight) seeds.push(rootKeyOf(insight));
      }
    }
    const visited = new Set<string>();
    const added: FoldComponent[] = [];
    const kept: FoldComponent[] = [];
    const foldSeeds = (from: number) => {
      for (let index = from; index < seeds.length; index += 1) {
        const key = seeds[index] as string;
        take(this.componentOfRoot.get(key));
        if (visited.has(key) || !this.members.takesPart(key)) continue;
        const roots = componentRoots(key, this.members, visited);
        for (const root of roots) take(this.componentOfRoot.get(root));
        added.push(foldComponent(roots, inputs));
      }
    };
    foldSeeds(0);
    // After the other seeds took theirs: a component none of them took is folded again only when its ranking moved.
    for (const component of reranked) {
      if (removed.has(component)) continue;
      if (sameRanking(component, inputs)) {
        kept.push(component);
        continue;
      }
      const from = seeds.length;
      take(component);
      foldSeeds(from);
    }
    const changedFolds = this.install(removed, added, inBook);
    // What their folds name is read as it is now, as a component folded again would have noted it.
    for (const component of kept) {
      if (removed.has(component)) continue;
      this.noteKnown(component.folds, inBook);
    }
    return changedFolds;
  }

  /** Which roots take part in a pass, kept from pass to pass. */
  private readonly members = new FoldMembers();

  /**
   * Replaces the `removed` components by the `added` ones and settles the folds of incidents
   * that left the book; returns the ids whose fold changed (as a comparison of every fold
   * before and after would: folds outside these components did not change).
   */
  private install(removed: Iterable<FoldComponent>, added: readonly FoldComponent[], inBook: (id: string) => Insight | undefined): Set<string> {
    const before = new Map<string, FoldTarget>();
    for (const component of removed) {
      this.live.delete(component);
      for (const root of component.roots) if (this.componentOfRoot.get(root) === component) this.componentOfRoot.delete(root);
      for (const id of component.ids) if (this.componentOfId.get(id) === component) this.componentOfId.delete(id);
      for (const [folded, target] of component.folds) {
        before.set(folded, target);
        this.folds.delete(folded);
        this.foldedByRoot.delete(target.rootId);
      }
    }
    for (const component of added) {
      this.live.add(component);
      for (const root of component.roots) this.componentOfRoot.set(root, component);
      for (const id of component.ids) this.componentOfId.set(id, component);
      for (const [folded, target] of component.folds) {
        this.folds.set(folded, target);
        const list = this.foldedByRoot.get(target.rootId);
        if (list) list.push(folded);
        else this.foldedByRoot.set(target.rootId, [folded]);
      }
    }
    const previousGone = this.gone;
    this.gone = this.settleGone(previousGone, before, inBook);
    const changed = new Set<string>();
    const compare = (id: string) => {
      const was = before.get(id) ?? previousGone.get(id);
      const now = this.rootOfTarget(id);
      if (sameTarget(was, now)) return;
      changed.add(id);
      if (was) changed.add(was.rootId);
      if (now) changed.add(now.rootId);
    };
    for (const id of before.keys()) compare(id);
    for (const component of added) for (const id of component.folds.keys()) compare(id);
    for (const id of previousGone.keys()) compare(id);
    for (const id of this.gone.keys()) compare(id);
    // What the folds name, as it reads now (or last read, for an incident gone from the book).
    for (const component of added) this.noteKnown(component.folds, inBook);
    this.noteKnown(this.gone, inBook);
    if (this.known.size > 4 * (this.folds.size + this.gone.size) + 1_000) this.sweepKnown();
    return changed;
  }

  /** Keeps the insight of every incident these folds name, as it reads now (or last read, once gone from the book). */
  private noteKnown(folds: Iterable<[string, FoldTarget]>, inBook: (id: string) => Insight | undefined): void {
    const keep = (id: string) => {
      const insight = inBook(id) ?? this.known.get(id);
      if (insight) this.known.set(id, insight);
    };
    for (const [folded, { rootId }] of folds) (keep(folded), keep(rootId));
  }

  /**
   * The folded incidents gone from the book that stay folded: into a root still in the book
   * and not folded itself. Those kept before first (oldest first), then those that left
   * since, in the order they ranked at the last pass; the oldest go beyond maxGone.
   */
  private settleGone(previous: ReadonlyMap<string, FoldTarget>, before: ReadonlyMap<string, FoldTarget>, inBook: (id: string) => Insight | undefined): Map<string, FoldTarget> {
    const gone = new Map<string, FoldTarget>();
    const keep = (folded: string, target: FoldTarget) => {
      if (gone.has(folded) || inBook(folded) || !inBook(target.rootId) || this.folds.has(target.rootId)) return;
      gone.set(folded, target);
    };
    for (const [folded, target] of previous) keep(folded, target);
    const left = [...before].filter(([folded]) => !inBook(folded) && this.known.has(folded));
    left.sort(([a], [b]) => rankInsights(this.known.get(a) as Insight, this.known.get(b) as Insight));
    for (const [folded, target] of left) keep(folded, target);
    for (const folded of gone.keys()) {
      if (gone.size <= this.maxGone) break;
      gone.delete(folded);
    }
    if (gone.size || previous.size) {
      this.goneByRoot = new Map();
      for (const [folded, { rootId }] of gone) (this.goneByRoot.get(rootId) ?? this.goneByRoot.set(rootId, []).get(rootId))?.push(folded);
    }
    return gone;
  }

  /** Drops what `known` holds for incidents no fold names any more. */
  private sweepKnown(): void {
    const named = new Set<string>();
    for (const folds of [this.folds, this.gone]) for (const [folded, { rootId }] of folds) named.add(folded).add(rootId);
    for (const id of this.known.keys()) if (!named.has(id)) this.known.delete(id);
    this.rootViews.keepOnly(named);
  }

  private rootOfTarget(id: string): FoldTarget | undefined {
    return this.folds.get(id) ?? this.gone.get(id);
  }

  /**
   * Whether a refold can find anything: a fold to keep or undo, or an incident whose root can
   * explain another (every fold has such a cause: `explains`). Most books hold none, and then
   * the book is neither ranked nor searched (the hot path stays as it was).
   */
  worthRefolding(book: { hasRootOfKind(kinds: ReadonlySet<string>): boolean }): boolean {
    return this.folds.size > 0 || this.gone.size > 0 || book.hasRootOfKind(CAUSE_KINDS);
  }

  /** The incident `id` is folded into, if any. */
  rootOf(id: string): string | undefined {
    return this.rootOfTarget(id)?.rootId;
  }

  /** The ids of the incidents folded into `id`: those in the book most likely first, then those gone, oldest first. */
  foldedInto(id: string): string[] {
    return [...(this.foldedByRoot.get(id) ?? []), ...(this.goneByRoot.get(id) ?? [])];
  }

  /**
   * The insight as stored and shown: a folded incident names the one that explains it; a
   * root lists what it explains and takes their symptoms, affected entities, the louder
   * severity and an "Also explains" story line.
   */
  view(insight: Insight): Insight {
    const target = this.rootOfTarget(insight.id);
    if (target) {
      const root = this.known.get(target.rootId);
      return root ? { ...insight, explainedBy: foldLink(root, target.reason) } : insight;
    }
    const folded = this.foldedInto(insight.id).flatMap((id) => {
      const other = this.known.get(id);
      const reason = this.rootOfTarget(id)?.reason;
      return other && reason !== undefined ? [{ other, reason }] : [];
    });
    if (folded.length > 0) return this.rootViews.view(insight, folded);
    this.rootViews.forget(insight.id);
    return insight;
  }
}

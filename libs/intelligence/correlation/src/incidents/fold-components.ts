import type { Insight } from '@tapio/domain';
import { insightRootKey as rootKeyOf } from './book-roots.js';
import { foldRanked, type FoldTarget } from './incident-folding.js';
import { rankInsights } from './insight-ranking.js';

/**
 * Roots that fold only among themselves, with their incidents and folds. `foldRanked` tries
 * for an incident only the incidents of the roots its root names as causes (and, for a
 * Service root, everyone), and follows folds only along those: the folds of roots linked by
 * no such naming are independent, so a pass folds again only the components around what
 * changed, and each one's folds are those the search over the whole ranked book finds.
 */
export interface FoldComponent {
  readonly roots: readonly string[];
  /** The ids of its incidents, most likely first (as they were ranked when it was folded). */
  readonly ids: readonly string[];
  /** The root key of each of those incidents, in the same order. */
  readonly keys: readonly string[];
  /** Which of its incidents fold into which, the folded ones most likely first (as foldRanked gives them). */
  readonly folds: ReadonlyMap<string, FoldTarget>;
}

/** What folding a component reads: the book's roots with their incidents, and the fold relations of a pass. */
export interface ComponentInputs {
  readonly present: ReadonlyMap<string, ReadonlySet<string>>;
  insight(id: string): Insight | undefined;
  causesOf(key: string): readonly string[];
  kindOf(key: string): string;
  explains(cause: string, root: string): string | undefined;
}

/** The links between roots that fold together (FoldMembers: the causes a root names, and the roots naming it). */
export interface FoldLinks {
  takesPart(key: string): boolean;
  linked(key: string): Iterable<string>;
}

/** The roots reached from `start` through the links, among those taking part (marked in `visited`). */
export function componentRoots(start: string, links: FoldLinks, visited: Set<string>): string[] {
  const roots = [start];
  visited.add(start);
  for (let index = 0; index < roots.length; index += 1) {
    for (const next of links.linked(roots[index] as string)) {
      if (visited.has(next) || !links.takesPart(next)) continue;
      visited.add(next);
      roots.push(next);
    }
  }
  return roots;
}

/** Folds the incidents of `roots` among themselves: ranked, each tried against the incidents of its causes' roots. */
export function foldComponent(roots: readonly string[], inputs: ComponentInputs): FoldComponent {
  const ranked = rankedOf(roots, inputs);
  const keys = ranked.map(rootKeyOf);
  const indexes = new Map<string, number[]>();
  keys.forEach((key, index) => (indexes.get(key) ?? indexes.set(key, []).get(key))?.push(index));
  const everyone = keys.map((_, index) => index);
  const candidatesOf = (index: number): number[] => {
    const root = keys[index] as string;
    if (inputs.kindOf(root) === 'Service') return everyone;
    const found = new Set<number>();
    for (const cause of inputs.causesOf(root)) for (const other of indexes.get(cause) ?? []) found.add(other);
    return [...found].sort((a, b) => a - b);
  };
  return { roots, ids: ranked.map((insight) => insight.id), keys, folds: foldRanked(ranked, keys, candidatesOf, inputs.explains) };
}

/** The incidents of `roots` in the book, most likely first. */
function rankedOf(roots: readonly string[], inputs: ComponentInputs): Insight[] {
  const insights: Insight[] = [];
  for (const key of roots) {
    for (const id of inputs.present.get(key) ?? []) {
      const insight = inputs.insight(id);
      if (insight) insights.push(insight);
    }
  }
  return insights.sort(rankInsights);
}

/**
 * Whether folding `component`'s roots again would rank the same incidents, with the same root
 * keys, in the same order. `foldRanked` reads nothing of an insight but its place in that
 * order and its root key, so with the same causes (a root asked again is folded anew anyway)
 * it would find the same folds: an insight changed only in what ranks below its place (a
 * later last-seen time, a re-rated confidence that moves no incident past another) leaves
 * its component as it is.
 */
export function sameRanking(component: FoldComponent, inputs: ComponentInputs): boolean {
  const ranked = rankedOf(component.roots, inputs);
  if (ranked.length !== component.ids.length) return false;
  for (let index = 0; index < ranked.length; index += 1) {
    const insight = ranked[index] as Insight;
    if (insight.id !== component.ids[index] || rootKeyOf(insight) !== component.keys[index]) return false;
  }
  return true;
}

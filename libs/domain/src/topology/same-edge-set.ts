import type { TopologyEdge, TopologyRelationship } from '@tapio/plugin-api';

/** Whether no two strings of the list are equal (small lists compared pairwise, larger through a Set). */
function distinct(others: readonly string[]): boolean {
  if (others.length > 16) return new Set(others).size === others.length;
  for (let i = 1; i < others.length; i += 1) for (let j = 0; j < i; j += 1) if (others[i] === others[j]) return false;
  return true;
}

/**
 * Whether the edges of one type and direction of `key` that `edges` lists are exactly the
 * `existing` ones, none with evidence to store: replacing them would then change nothing.
 * Most object versions (a pod's status update) keep every edge, so `TopologyIndex.apply`
 * answers seven edge sets per pod version with one look at each instead of rebuilding them.
 */
export function sameEdgeSet(existing: ReadonlySet<string> | undefined, key: string, type: TopologyRelationship, direction: 'out' | 'in', edges: readonly TopologyEdge[]): boolean {
  let others: string[] | undefined;
  let count = 0;
  for (const edge of edges) {
    if (edge.type !== type) continue;
    if (direction === 'out' ? edge.from !== key : edge.to !== key) continue;
    if (edge.evidence !== undefined) return false;
    const other = direction === 'out' ? edge.to : edge.from;
    if (!existing?.has(other)) return false;
    (others ??= []).push(other);
    count += 1;
  }
  return count === (existing?.size ?? 0) && (count < 2 || distinct(others as string[]));
}

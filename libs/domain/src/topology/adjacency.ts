import type { TopologyRelationship } from '@tapio/plugin-api';

/** Edges by source (or target) and type: the index's two directions. */
export type Adjacency = Map<string, Map<TopologyRelationship, Set<string>>>;

/** One edge as a map key (the evidence of inferred edges is kept by it). */
export function edgeId(from: string, type: TopologyRelationship, to: string): string {
  return `${from}\u0000${type}\u0000${to}`;
}

export function link(adjacency: Adjacency, from: string, type: TopologyRelationship, to: string): void {
  let byType = adjacency.get(from);
  if (!byType) adjacency.set(from, (byType = new Map()));
  let targets = byType.get(type);
  if (!targets) byType.set(type, (targets = new Set()));
  targets.add(to);
}

export function unlink(adjacency: Adjacency, from: string, type: TopologyRelationship, to: string): void {
  const byType = adjacency.get(from);
  const targets = byType?.get(type);
  if (!byType || !targets) return;
  targets.delete(to);
  if (targets.size === 0) byType.delete(type);
  if (byType.size === 0) adjacency.delete(from);
}

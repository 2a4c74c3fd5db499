import type { Correlation, CorrelationState, IndexedEvent } from '@tapio/domain';
import type { CausalGraph } from './causal-graph.js';

export interface CausalPath {
  /** Root first, the start event last. */
  events: IndexedEvent[];
  /** Edges along the path, root side first. */
  edges: Correlation[];
  /** Product of the edge confidences (1 for an event with no cause). */
  confidence: number;
}

const MIN_CHAIN_CONFIDENCE = 0.3;
const MAX_VISITED = 2000;

/**
 * Walks causal edges back from an event to its earliest causal ancestor with the
 * best supported chain: every ancestor reachable with a chain confidence of at least
 * 0.3 and no cause of its own is a candidate; the earliest wins, ties go to the
 * stronger chain. An event with no causes is its own root.
 */
export function findRootCause(start: IndexedEvent, graph: CausalGraph, state: CorrelationState): CausalPath {
  const best = new Map<string, { confidence: number; via: Correlation | undefined; event: IndexedEvent }>();
  best.set(start.event.id, { confidence: 1, via: undefined, event: start });
  const queue: string[] = [start.event.id];
  while (queue.length && best.size < MAX_VISITED) {
    const id = queue.shift() as string;
    const current = best.get(id)!;
    for (const edge of graph.causesOf(id)) {
      const cause = state.get(edge.fromEventId);
      if (!cause || cause.at > current.event.at) continue;
      const confidence = current.confidence * edge.confidence;
      if (confidence < MIN_CHAIN_CONFIDENCE) continue;
      const known = best.get(edge.fromEventId);
      if (known && known.confidence >= confidence) continue;
      best.set(edge.fromEventId, { confidence, via: edge, event: cause });
      queue.push(edge.fromEventId);
    }
  }
  // Only ancestors without a cause of their own compete: the start itself when it has a
  // cause does not, or a cause reported in the same second (a victim's Preempted Event and its
  // replacement's FailedScheduling) would lose to its effect on the chain-confidence tie-break.
  let root: (typeof best extends Map<string, infer V> ? V : never) | undefined;
  for (const [id, entry] of best) {
    const hasLiveCause = graph.causesOf(id).some((edge) => best.has(edge.fromEventId));
    if (hasLiveCause) continue;
    if (!root || entry.event.at < root.event.at || (entry.event.at === root.event.at && entry.confidence > root.confidence)) root = entry;
  }
  root ??= best.get(start.event.id)!;
  // Each ancestor's best edge points one step toward the start: follow them from the root.
  const events: IndexedEvent[] = [root.event];
  const edges: Correlation[] = [];
  let entry = root;
  while (entry.via && events.length <= best.size) {
    edges.push(entry.via);
    const next = best.get(entry.via.toEventId);
    if (!next) break;
    events.push(next.event);
    entry = next;
  }
  return { events, edges, confidence: root.confidence };
}

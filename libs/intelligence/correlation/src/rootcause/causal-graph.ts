import type { Correlation } from '@tapio/domain';

const CAUSAL_KINDS = new Set<Correlation['kind']>(['CAUSED', 'TRIGGERED']);

/**
 * Incoming causal edges (CAUSED / TRIGGERED) per event, for walking from a symptom
 * back to its causes. Bounded: edges into events that left the working window are
 * pruned periodically.
 */
export class CausalGraph {
  private readonly incoming = new Map<string, Correlation[]>();
  private inserts = 0;

  /**
   * Adds a causal edge unless the same kind of edge between the same two events is held;
   * an event has a handful of incoming edges, so they are searched instead of keeping a
   * set of `kind|from|to` strings (one string built and hashed per correlation).
   */
  add(correlation: Correlation, isLive: (eventId: string) => boolean): boolean {
    if (!CAUSAL_KINDS.has(correlation.kind)) return false;
    let edges = this.incoming.get(correlation.toEventId);
    if (!edges) this.incoming.set(correlation.toEventId, (edges = []));
    else for (const edge of edges) if (edge.kind === correlation.kind && edge.fromEventId === correlation.fromEventId) return false;
    edges.push(correlation);
    if (++this.inserts % 8192 === 0) this.prune(isLive);
    return true;
  }

  causesOf(eventId: string): readonly Correlation[] {
    return this.incoming.get(eventId) ?? [];
  }

  private prune(isLive: (eventId: string) => boolean): void {
    for (const to of this.incoming.keys()) {
      if (!isLive(to)) this.incoming.delete(to);
    }
  }
}

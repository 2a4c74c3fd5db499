import type { Correlation } from '@tapio/domain';

const CAUSAL_KINDS = new Set<Correlation['kind']>(['CAUSED', 'TRIGGERED']);

/**
 * Incoming causal edges (CAUSED / TRIGGERED) per event, for walking from a symptom
 * back to its causes. Bounded: edges into events that left the working window are
 * pruned periodically.
 */
export class CausalGraph {
  private readonly incoming = new Map<string, Correlation[]>();
  private readonly seen = new Set<string>();
  private inserts = 0;

  add(correlation: Correlation, isLive: (eventId: string) => boolean): boolean {
    if (!CAUSAL_KINDS.has(correlation.kind)) return false;
    const id = `${correlation.kind}|${correlation.fromEventId}|${correlation.toEventId}`;
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    let edges = this.incoming.get(correlation.toEventId);
    if (!edges) this.incoming.set(correlation.toEventId, (edges = []));
    edges.push(correlation);
    if (++this.inserts % 8192 === 0) this.prune(isLive);
    return true;
  }

  causesOf(eventId: string): readonly Correlation[] {
    return this.incoming.get(eventId) ?? [];
  }

  private prune(isLive: (eventId: string) => boolean): void {
    for (const [to, edges] of this.incoming) {
      if (!isLive(to)) {
        this.incoming.delete(to);
        for (const edge of edges) this.seen.delete(`${edge.kind}|${edge.fromEventId}|${edge.toEventId}`);
      }
    }
  }
}

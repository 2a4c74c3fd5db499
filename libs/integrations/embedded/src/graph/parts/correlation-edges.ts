import type { Correlation, UnifiedEvent } from '@tapio/domain';

const CAUSAL: readonly Correlation['kind'][] = ['CAUSED', 'TRIGGERED'];
/** Most causal ancestors or descendants one walk collects, nearest first (as the Neo4j store). */
const MAX_WALK = 200;

function idOf(correlation: Correlation): string {
  return `${correlation.kind}|${correlation.fromEventId}|${correlation.toEventId}`;
}

/** CAUSED / TRIGGERED / CORRELATED_WITH / PRECEDED edges between retained events, indexed both ways. */
export class CorrelationEdges {
  private readonly out = new Map<string, Map<string, Correlation>>();
  private readonly in = new Map<string, Map<string, Correlation>>();
  private edgeCount = 0;

  add(correlation: Correlation): void {
    const id = idOf(correlation);
    let out = this.out.get(correlation.fromEventId);
    if (!out) this.out.set(correlation.fromEventId, (out = new Map()));
    if (!out.has(id)) this.edgeCount += 1;
    out.set(id, correlation);
    let incoming = this.in.get(correlation.toEventId);
    if (!incoming) this.in.set(correlation.toEventId, (incoming = new Map()));
    incoming.set(id, correlation);
  }

  get count(): number {
    return this.edgeCount;
  }

  /** Every edge, each once. */
  *all(): IterableIterator<Correlation> {
    for (const byId of this.out.values()) yield* byId.values();
  }

  isCausal(correlation: Correlation): boolean {
    return CAUSAL.includes(correlation.kind);
  }

  of(eventId: string): Correlation[] {
    return [...(this.out.get(eventId)?.values() ?? []), ...(this.in.get(eventId)?.values() ?? [])];
  }

  /** Causal ancestors ('in') or descendants ('out') over CAUSED / TRIGGERED, excluding the start. */
  walk(start: string, direction: 'in' | 'out', eventOf: (id: string) => UnifiedEvent | undefined): UnifiedEvent[] {
    const seen = new Set([start]);
    const queue = [start];
    const found: UnifiedEvent[] = [];
    while (queue.length && found.length < MAX_WALK) {
      const current = queue.shift() as string;
      const edges = (direction === 'in' ? this.in : this.out).get(current);
      for (const correlation of edges?.values() ?? []) {
        if (!CAUSAL.includes(correlation.kind)) continue;
        const next = direction === 'in' ? correlation.fromEventId : correlation.toEventId;
        if (seen.has(next)) continue;
        seen.add(next);
        const event = eventOf(next);
        if (!event) continue;
        found.push(event);
        queue.push(next);
        if (found.length >= MAX_WALK) break;
      }
    }
    return found;
  }

  /** Drops an evicted event's edges. */
  forget(eventId: string): void {
    for (const correlation of this.of(eventId)) {
      const id = idOf(correlation);
      if (this.out.get(correlation.fromEventId)?.delete(id)) this.edgeCount -= 1;
      this.in.get(correlation.toEventId)?.delete(id);
    }
    this.out.delete(eventId);
    this.in.delete(eventId);
  }
}

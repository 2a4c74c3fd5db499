import type { UnifiedEvent } from '@tapio/domain';
import type { ManagedTransaction } from 'neo4j-driver';
import { decodeEvent } from '../codec/event-codec.js';
import { rows } from './reader.js';

const MAX_FOUND = 200;

/**
 * Causal ancestors ('in') or descendants ('out') of events over CAUSED / TRIGGERED,
 * breadth first, one query per hop, excluding the starting events; at most 200.
 */
export async function walkCausal(tx: ManagedTransaction, start: string[], direction: 'in' | 'out'): Promise<UnifiedEvent[]> {
  const seen = new Set(start);
  const found: UnifiedEvent[] = [];
  let frontier = start;
  const pattern = direction === 'in' ? '(e)<-[:CAUSED|TRIGGERED]-(next:Event)' : '(e)-[:CAUSED|TRIGGERED]->(next:Event)';
  while (frontier.length && found.length < MAX_FOUND) {
    const step = await rows<{ id: string; data: string }>(
      tx,
      `UNWIND $ids AS id MATCH (e:Event {id: id}) MATCH ${pattern} RETURN DISTINCT next.id AS id, next.data AS data`,
      { ids: frontier },
    );
    const next: string[] = [];
    for (const { id, data } of step) {
      if (seen.has(id) || !data) continue;
      seen.add(id);
      found.push(decodeEvent(data));
      next.push(id);
      if (found.length >= MAX_FOUND) break;
    }
    frontier = next;
  }
  return found;
}

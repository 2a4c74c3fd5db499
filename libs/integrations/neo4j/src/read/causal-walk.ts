import type { UnifiedEvent } from '@tapio/domain';
import type { ManagedTransaction } from 'neo4j-driver';
import { decodeEvent } from '../codec/event-codec.js';
import { toInteger } from '../codec/temporal.js';
import { rows } from './reader.js';

const MAX_FOUND = 200;

/**
 * Causal ancestors ('in') or descendants ('out') of events over CAUSED / TRIGGERED,
 * excluding the starting events; at most 200, nearest first. One query: a variable-length
 * expansion that returns only DISTINCT end nodes, which Neo4j runs as a pruning
 * breadth-first search (each event visited once, however many paths lead to it), so a
 * 200-deep chain costs one round trip instead of one per hop.
 */
export async function walkCausal(tx: ManagedTransaction, start: string[], direction: 'in' | 'out'): Promise<UnifiedEvent[]> {
  if (!start.length) return [];
  const expand = direction === 'in' ? '<-[:CAUSED|TRIGGERED*1..]-' : '-[:CAUSED|TRIGGERED*1..]->';
  const found = await rows<{ id: string; data: string | null }>(
    tx,
    `MATCH (e:Event) WHERE e.id IN $ids
     MATCH (e)${expand}(next)
     WHERE next:Event AND NOT next.id IN $ids
     RETURN DISTINCT next.id AS id, next.data AS data LIMIT $max`,
    { ids: start, max: toInteger(MAX_FOUND) },
  );
  return found.flatMap((row) => (row.data ? [decodeEvent(row.data)] : []));
}

import type { UnifiedEvent } from '@tapio/domain';
import type { ManagedTransaction } from 'neo4j-driver';
import { decodeEvent } from '../codec/event-codec.js';
import { toInteger } from '../codec/temporal.js';
import { rows } from './reader.js';

const MAX_FOUND = 200;

/**
 * Causal ancestors ('in') or descendants ('out') of events over CAUSED / TRIGGERED,
 * excluding the starting events; at most 200, nearest first. Two queries at most:
 * - the first hop from every start. "Why" starts from all of an entity's events, and most
 *   of their causes are among them, so this hop often finds everything there is;
 * - everything beyond, from the events that hop found: a variable-length expansion that
 *   returns only DISTINCT end nodes, which Neo4j runs as a pruning breadth-first search
 *   (each event visited once however many paths lead to it), so a chain 200 deep costs
 *   one round trip rather than one per hop.
 */
export async function walkCausal(tx: ManagedTransaction, start: string[], direction: 'in' | 'out'): Promise<UnifiedEvent[]> {
  const seen = new Set(start);
  const found: UnifiedEvent[] = [];
  const take = (step: Array<{ id: string; data: string | null }>): string[] => {
    const fresh: string[] = [];
    for (const { id, data } of step) {
      if (found.length >= MAX_FOUND) break;
      if (seen.has(id) || !data) continue;
      seen.add(id);
      found.push(decodeEvent(data));
      fresh.push(id);
    }
    return fresh;
  };
  if (!start.length) return found;
  const hop = direction === 'in' ? '<-[:CAUSED|TRIGGERED]-' : '-[:CAUSED|TRIGGERED]->';
  const frontier = take(
    await rows(tx, `MATCH (e:Event) WHERE e.id IN $ids MATCH (e)${hop}(next:Event) RETURN DISTINCT next.id AS id, next.data AS data`, { ids: start }),
  );
  if (!frontier.length || found.length >= MAX_FOUND) return found;
  const expand = direction === 'in' ? '<-[:CAUSED|TRIGGERED*1..]-' : '-[:CAUSED|TRIGGERED*1..]->';
  take(
    await rows(
      tx,
      `MATCH (e:Event) WHERE e.id IN $frontier
       MATCH (e)${expand}(next)
       WHERE next:Event AND NOT next.id IN $seen
       RETURN DISTINCT next.id AS id, next.data AS data LIMIT $max`,
      { frontier, seen: [...seen], max: toInteger(MAX_FOUND - found.length) },
    ),
  );
  return found;
}

import { entityKey, type ResourceNode, type UnifiedEvent } from '@tapio/domain';
import { eventProperties } from '../codec/event-codec.js';
import { stubNode } from '../codec/resource-codec.js';
import { stubStatements } from './stub-statements.js';
import type { Statement } from './statement.js';

/** The stored properties of an Event node, as `eventProperties` names them. */
const EVENT_PROPERTIES = ['id', 'type', 'severity', 'severity_rank', 'message', 'source', 'timestamp', 'processed_at', 'category', 'intent', 'entity_key', 'trace_id', 'data'];

// Named properties, not `SET e = row.props`: a map of unknown properties makes the planner
// materialise every row (Eager) before the resource lookup that follows. A null in the map
// stores no property, as `SET e = map` does.
const CREATE_EVENT = `CREATE (e:Event {${EVENT_PROPERTIES.map((name) => `${name}: row.props.${name}`).join(', ')}})`;

// The resource is looked up, not merged: in the steady state it exists (its topology or an
// earlier event made it), and a stub MERGE per event key was a locking index seek per row. The
// rows whose resource is missing come back to the client, which creates their stubs and edges
// before anything else of the batch runs (see `followUp`).
const LINK_OR_REPORT = `WITH e, row WHERE row.key IS NOT NULL
OPTIONAL MATCH (r:Resource {key: row.key})
FOREACH (found IN CASE WHEN r IS NULL THEN [] ELSE [r] END | CREATE (e)-[:AFFECTS]->(found))
WITH row, r WHERE r IS NULL
RETURN row.id AS id, row.key AS key`;

/**
 * Event nodes with their AFFECTS edge in one pass. `careful`: an id already stored is left as
 * it is (the first write of an event wins, as in every replay or redelivery), at the price of
 * an index seek per event. Without it the uniqueness constraint is the check: a stored id fails
 * the transaction, and the writer applies the batch again carefully (`BatchWriter`), so the
 * graph is the same either way. Ids repeated inside one batch never reach the database twice
 * (the caller passes each id once).
 */
export function eventStatement(events: readonly UnifiedEvent[], careful: boolean): Statement {
  const dedupe = careful ? 'OPTIONAL MATCH (known:Event {id: row.id})\nWITH row WHERE known IS NULL\n' : '';
  return {
    text: `UNWIND $rows AS row\n${dedupe}${CREATE_EVENT}\n${LINK_OR_REPORT}`,
    params: { rows: events.map((event) => ({ id: event.id, key: event.entity ? entityKey(event.entity) : null, props: eventProperties(event) })) },
    followUp: (missing) => missingResources(events, missing),
  };
}

/**
 * For events whose resource is not stored yet: its stub node (from the first event naming it,
 * as when stubs were merged before the events), then the AFFECTS edges. Runs right after the
 * event statement, so the statements after it find the node as they did before.
 */
function missingResources(events: readonly UnifiedEvent[], missing: ReadonlyArray<{ id: string; key: string }>): Statement[] {
  if (!missing.length) return [];
  const keys = new Set(missing.map((row) => row.key));
  const firstNaming = new Map<string, UnifiedEvent>();
  for (const event of events) {
    if (!event.entity) continue;
    const key = entityKey(event.entity);
    if (keys.has(key) && !firstNaming.has(key)) firstNaming.set(key, event);
  }
  const stubs = [...firstNaming].map(([key, event]) => stubNode(key, event.timestamp, event.entity) as ResourceNode);
  return [
    ...stubStatements(stubs),
    { text: 'UNWIND $rows AS row MATCH (e:Event {id: row.id}) MATCH (r:Resource {key: row.key}) CREATE (e)-[:AFFECTS]->(r)', params: { rows: missing.map(({ id, key }) => ({ id, key })) } },
  ];
}

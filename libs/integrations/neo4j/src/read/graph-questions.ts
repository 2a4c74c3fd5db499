import {
  byEntityKey,
  entityKey,
  insightRelevance,
  oldestFirst,
  summariseEvent as summarise,
  type CauseEffectCount,
  type DeathSpiral,
  type EntityRef,
  type EventContext,
  type Insight,
  type TimeRange,
  type UnifiedEvent,
  type WhyAnswer,
} from '@tapio/domain';
import type { ManagedTransaction } from 'neo4j-driver';
import { decodeEvent } from '../codec/event-codec.js';
import { toDateTime, toInteger } from '../codec/temporal.js';
import { walkCausal } from './causal-walk.js';
import { keysFor, nodesByKey, refOf } from './entity-lookup.js';
import { rows } from './reader.js';

const CONTEXT_WINDOW_MS = 5 * 60_000;
/** Topology edges along which a change reaches dependants (not ownership or placement). */
const DEPENDENCY_EDGES = 'MOUNTS|SELECTS|USES_SECRET|CLAIMS|BOUND_TO|ROUTES_TO|APPLIES_TO|SCALES';

function rangeFilter(variable: string, property: string, range: TimeRange, params: Record<string, unknown>): string {
  const where: string[] = [];
  if (range.since) {
    where.push(`${variable}.${property} >= $since`);
    params.since = toDateTime(range.since);
  }
  if (range.until) {
    where.push(`${variable}.${property} <= $until`);
    params.until = toDateTime(range.until);
  }
  return where.join(' AND ');
}

/** Events on any of the keys within the range, newest first: all ids plus the first `keep` whole. */
async function eventsOn(tx: ManagedTransaction, keys: string[], range: TimeRange, keep: number): Promise<{ ids: string[]; recent: UnifiedEvent[] }> {
  const params: Record<string, unknown> = { keys, keep: toInteger(keep) };
  const filter = rangeFilter('e', 'timestamp', range, params);
  const [row] = await rows<{ ids: string[]; recent: string[] }>(
    tx,
    `MATCH (r:Resource) WHERE r.key IN $keys MATCH (r)<-[:AFFECTS]-(e:Event) ${filter ? `WHERE ${filter}` : ''}
     WITH e ORDER BY e.timestamp DESC, e.id DESC
     WITH collect(e) AS own
     RETURN [x IN own | x.id] AS ids, [x IN own[0..$keep] | x.data] AS recent`,
    params,
  );
  return { ids: row?.ids ?? [], recent: (row?.recent ?? []).map(decodeEvent) };
}

/** Owners of the keys, transitively (Pod → ReplicaSet → Deployment). */
async function ownersOf(tx: ManagedTransaction, keys: string[]): Promise<string[]> {
  const found = await rows<{ key: string }>(tx, 'UNWIND $keys AS key MATCH (:Resource {key: key})<-[:OWNS*1..20]-(o:Resource) RETURN DISTINCT o.key AS key', { keys });
  return found.map((row) => row.key);
}

/** Owners nearest first along the longest OWNS chain above the key. */
async function ownerChain(tx: ManagedTransaction, key: string): Promise<string[]> {
  const [row] = await rows<{ chain: string[] }>(
    tx,
    'MATCH path = (:Resource {key: $key})<-[:OWNS*1..20]-(:Resource) RETURN [n IN nodes(path)[1..] | n.key] AS chain ORDER BY length(path) DESC LIMIT 1',
    { key },
  );
  return row?.chain ?? [];
}

/** Resources within `hops` dependency edges of the key, either direction, breadth first. */
async function dependenciesOf(tx: ManagedTransaction, key: string, hops: number): Promise<string[]> {
  const seen = new Set([key]);
  let frontier = [key];
  for (let hop = 0; hop < hops && frontier.length; hop += 1) {
    const found = await rows<{ key: string }>(
      tx,
      `UNWIND $keys AS key MATCH (:Resource {key: key})-[:${DEPENDENCY_EDGES}]-(o:Resource) RETURN DISTINCT o.key AS key`,
      { keys: frontier },
    );
    frontier = found.map((row) => row.key).filter((other) => !seen.has(other));
    for (const other of frontier) seen.add(other);
  }
  seen.delete(key);
  return [...seen];
}

/** Insights about any of the keys (root cause, symptom or affected) overlapping the range, most relevant first. */
async function insightsAbout(tx: ManagedTransaction, keys: string[], range: TimeRange, limit: number): Promise<Insight[]> {
  const params: Record<string, unknown> = { keys, limit: toInteger(limit) };
  const where: string[] = [];
  if (range.since) {
    where.push('i.last_seen >= $since');
    params.since = toDateTime(range.since);
  }
  if (range.until) {
    where.push('i.first_seen <= $until');
    params.until = toDateTime(range.until);
  }
  const found = await rows<{ data: string }>(
    tx,
    `MATCH (r:Resource) WHERE r.key IN $keys MATCH (r)<-[:ABOUT]-(i:Insight) WITH DISTINCT i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     RETURN i.data AS data ORDER BY i.confidence DESC, i.severity_rank DESC, i.first_seen DESC, i.id DESC LIMIT $limit`,
    params,
  );
  // Re-sorted in JS so ties between equal instants in different offsets order as everywhere else.
  return found.map((row) => JSON.parse(row.data) as Insight).sort(insightRelevance);
}

/** "Why did X fail?": insights on X and its owners, X's recent events, and their causal ancestors. */
export async function why(tx: ManagedTransaction, ref: EntityRef, range: TimeRange): Promise<WhyAnswer> {
  const keys = await keysFor(tx, ref);
  const nodes = await nodesByKey(tx, keys);
  const scope = [...new Set([...keys, ...(await ownersOf(tx, keys))])];
  const insights = await insightsAbout(tx, scope, range, 20);
  const own = await eventsOn(tx, keys, range, 50);
  const ancestors = await walkCausal(tx, own.ids, 'in');
  const first = keys[0];
  return {
    entity: first ? (nodes.get(first)?.ref ?? ref) : ref,
    known: nodes.size > 0,
    insights,
    events: own.recent.map(summarise),
    causalChain: ancestors.sort(oldestFirst).slice(0, 20).map(summarise),
  };
}

/** Seed 002's context revelation for one event. */
export async function eventContext(tx: ManagedTransaction, eventId: string): Promise<EventContext | undefined> {
  const [found] = await rows<{ data: string }>(tx, 'MATCH (e:Event {id: $id}) RETURN e.data AS data', { id: eventId });
  if (!found) return undefined;
  const event = decodeEvent(found.data);
  const key = event.entity ? entityKey(event.entity) : undefined;
  const chain = key ? await ownerChain(tx, key) : [];
  const dependencies = key ? await dependenciesOf(tx, key, 3) : [];
  const nodes = await nodesByKey(tx, [...(key ? [key] : []), ...chain, ...dependencies]);

  const correlated = new Map<string, UnifiedEvent>();
  if (key) {
    const at = Date.parse(event.timestamp);
    const nearby = await rows<{ data: string }>(
      tx,
      'MATCH (:Resource {key: $key})<-[:AFFECTS]-(o:Event) WHERE o.id <> $id AND o.timestamp >= $from AND o.timestamp <= $to RETURN o.data AS data',
      { key, id: eventId, from: toDateTime(new Date(at - CONTEXT_WINDOW_MS).toISOString()), to: toDateTime(new Date(at + CONTEXT_WINDOW_MS).toISOString()) },
    );
    for (const row of nearby) correlated.set(decodeEvent(row.data).id, decodeEvent(row.data));
  }
  const linked = await rows<{ data: string }>(tx, 'MATCH (:Event {id: $id})-[:CORRELATED_WITH]-(o:Event) RETURN DISTINCT o.data AS data', { id: eventId });
  for (const row of linked) {
    const other = decodeEvent(row.data);
    if (other.id !== eventId) correlated.set(other.id, other);
  }
  const ancestors = (await walkCausal(tx, [eventId], 'in')).sort(oldestFirst);
  const consequences = (await walkCausal(tx, [eventId], 'out')).sort(oldestFirst);
  const root = ancestors[0];
  return {
    event: summarise(event),
    affectedResources: key ? [refOf(nodes, key)] : [],
    ownershipChain: chain.map((owner) => refOf(nodes, owner)),
    dependencies: dependencies.map((dependency) => refOf(nodes, dependency)).sort(byEntityKey).slice(0, 100),
    correlatedEvents: [...correlated.values()].sort(oldestFirst).slice(0, 50).map(summarise),
    rootCause: root ? summarise(root) : null,
    consequences: consequences.slice(0, 50).map(summarise),
  };
}

/** Events on an entity within the range, oldest first, at most 500. */
export async function timeline(tx: ManagedTransaction, ref: EntityRef, range: TimeRange): Promise<UnifiedEvent[]> {
  const keys = await keysFor(tx, ref);
  const params: Record<string, unknown> = { keys };
  const filter = rangeFilter('e', 'timestamp', range, params);
  const found = await rows<{ data: string }>(
    tx,
    `MATCH (r:Resource) WHERE r.key IN $keys MATCH (r)<-[:AFFECTS]-(e:Event) ${filter ? `WHERE ${filter}` : ''}
     RETURN e.data AS data ORDER BY e.timestamp ASC, e.id ASC LIMIT 500`,
    params,
  );
  return found.map((row) => decodeEvent(row.data));
}

/** Seed 000's death spirals: pods with more than `minRestarts` pod_restart events since `since`. */
export async function deathSpirals(tx: ManagedTransaction, since: string, minRestarts: number): Promise<DeathSpiral[]> {
  const found = await rows<{ key: string; restarts: number }>(
    tx,
    `MATCH (e:Event {type: 'pod_restart'}) WHERE e.timestamp >= $since
     MATCH (e)-[:AFFECTS]->(p:Pod)
     WITH p, count(e) AS restarts WHERE restarts > $min
     RETURN p.key AS key, restarts`,
    { since: toDateTime(since), min: toInteger(minRestarts) },
  );
  const nodes = await nodesByKey(tx, found.map((row) => row.key));
  return found
    .map((row) => ({ entity: refOf(nodes, row.key), restarts: row.restarts }))
    .sort((a, b) => b.restarts - a.restarts || byEntityKey(a.entity, b.entity));
}

/** Seed 002's pattern discovery: how often an event type caused another. */
export async function patternDiscovery(tx: ManagedTransaction, minOccurrences: number): Promise<CauseEffectCount[]> {
  const found = await rows<CauseEffectCount>(
    tx,
    `MATCH (a:Event)-[:CAUSED|TRIGGERED]->(b:Event)
     WITH a.type AS cause, b.type AS effect, count(*) AS occurrences WHERE occurrences >= $min
     RETURN cause, effect, occurrences`,
    { min: toInteger(minOccurrences) },
  );
  return found.sort((a, b) => b.occurrences - a.occurrences || a.cause.localeCompare(b.cause) || a.effect.localeCompare(b.effect));
}

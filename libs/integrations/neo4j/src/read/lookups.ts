import { TOPOLOGY_RELATIONSHIPS, type EntityRef, type Feedback, type GraphStats, type Insight, type PatternConfidence, type Prediction, type ResourceNode, type TopologyEdge, type TopologySnapshot, type UnifiedEvent } from '@tapio/domain';
import type { ManagedTransaction } from 'neo4j-driver';
import { decodeEvent } from '../codec/event-codec.js';
import { decodeResource, resourceProjection, type ResourceRecord } from '../codec/resource-codec.js';
import { keysFor, nodesByKey } from './entity-lookup.js';
import { rows } from './reader.js';

export async function resource(tx: ManagedTransaction, ref: EntityRef): Promise<ResourceNode | undefined> {
  const key = (await keysFor(tx, ref))[0];
  return key ? (await nodesByKey(tx, [key])).get(key) : undefined;
}

/** Topology edges of a node: outgoing first, then incoming, each by type and other end. */
export async function edgesOf(tx: ManagedTransaction, key: string): Promise<TopologyEdge[]> {
  const types = TOPOLOGY_RELATIONSHIPS.join('|');
  return rows<TopologyEdge>(
    tx,
    `MATCH (r:Resource {key: $key})-[rel:${types}]->(o:Resource) RETURN type(rel) AS type, r.key AS from, o.key AS to ORDER BY type, to
     UNION ALL
     MATCH (r:Resource {key: $key})<-[rel:${types}]-(o:Resource) RETURN type(rel) AS type, o.key AS from, r.key AS to ORDER BY type, from`,
    { key },
  );
}

/** Every resource and topology edge, for a correlation worker's warm start. */
export async function topologySnapshot(tx: ManagedTransaction): Promise<TopologySnapshot> {
  const nodes = await rows<{ node: ResourceRecord }>(tx, `MATCH (r:Resource) RETURN ${resourceProjection('r')} AS node`);
  const edges = await rows<TopologyEdge>(tx, `MATCH (r:Resource)-[rel:${TOPOLOGY_RELATIONSHIPS.join('|')}]->(o:Resource) RETURN type(rel) AS type, r.key AS from, o.key AS to`);
  return { nodes: nodes.map(({ node }) => decodeResource(node)), edges };
}

async function dataOf(tx: ManagedTransaction, label: string, id: string): Promise<string | undefined> {
  const [row] = await rows<{ data: string | null }>(tx, `MATCH (n:${label} {id: $id}) RETURN n.data AS data`, { id });
  return row?.data ?? undefined;
}

export async function event(tx: ManagedTransaction, id: string): Promise<UnifiedEvent | undefined> {
  const data = await dataOf(tx, 'Event', id);
  return data ? decodeEvent(data) : undefined;
}

export async function insight(tx: ManagedTransaction, id: string): Promise<Insight | undefined> {
  const data = await dataOf(tx, 'Insight', id);
  return data ? (JSON.parse(data) as Insight) : undefined;
}

/** Only predictions written as such; a bare node that feedback pointed at is not one. */
export async function prediction(tx: ManagedTransaction, id: string): Promise<Prediction | undefined> {
  const data = await dataOf(tx, 'Prediction', id);
  return data ? (JSON.parse(data) as Prediction) : undefined;
}

/** The predictions of a pattern and/or an insight (a bare node feedback pointed at has no data and is none). */
export async function predictionsOf(tx: ManagedTransaction, query: { patternId?: string; insightId?: string }): Promise<Prediction[]> {
  // Each named key is a plain equality, so the planner uses its index (tapio_prediction_pattern / _insight).
  const where = [...(query.patternId !== undefined ? ['p.pattern_id = $patternId'] : []), ...(query.insightId !== undefined ? ['p.insight_id = $insightId'] : []), 'p.data IS NOT NULL'];
  const found = await rows<{ data: string }>(tx, `MATCH (p:Prediction) WHERE ${where.join(' AND ')} RETURN p.data AS data`, { patternId: query.patternId ?? null, insightId: query.insightId ?? null });
  return found.map((row) => JSON.parse(row.data) as Prediction).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export async function feedbackFor(tx: ManagedTransaction, patternId: string): Promise<Feedback[]> {
  const found = await rows<{ data: string }>(tx, 'MATCH (f:Feedback {pattern_id: $patternId}) RETURN f.data AS data', { patternId });
  return found.map((row) => JSON.parse(row.data) as Feedback).sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
}

export async function patterns(tx: ManagedTransaction): Promise<PatternConfidence[]> {
  const found = await rows<{ data: string }>(tx, 'MATCH (p:Pattern) WHERE p.data IS NOT NULL RETURN p.data AS data');
  return found.map((row) => JSON.parse(row.data) as PatternConfidence).sort((a, b) => a.patternId.localeCompare(b.patternId));
}

/** Relationship types counted in `stats`: topology, AFFECTS and event-to-event correlations. */
const COUNTED = [...TOPOLOGY_RELATIONSHIPS, 'AFFECTS', 'CAUSED', 'TRIGGERED', 'CORRELATED_WITH', 'PRECEDED'];

export async function stats(tx: ManagedTransaction): Promise<GraphStats> {
  // Each count is answered from Neo4j's count store, without scanning.
  const count = async (query: string) => (await rows<{ n: number }>(tx, query))[0]?.n ?? 0;
  let relationships = 0;
  for (const type of COUNTED) relationships += await count(`MATCH ()-[r:${type}]->() RETURN count(r) AS n`);
  return {
    resources: await count('MATCH (n:Resource) RETURN count(n) AS n'),
    events: await count('MATCH (n:Event) RETURN count(n) AS n'),
    relationships,
    insights: await count('MATCH (n:Insight) RETURN count(n) AS n'),
  };
}

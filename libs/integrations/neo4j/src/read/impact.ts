import { byEntityKey, reachPath, type EntityRef, type ImpactAnswer, type ReachHop } from '@tapio/domain';
import type { ManagedTransaction } from 'neo4j-driver';
import { keysFor, nodesByKey, refOf } from './entity-lookup.js';
import { rows } from './reader.js';

/** Cypher for one hop of the domain's reach path; ownership is followed at most 20 levels deep. */
function hopPattern(hop: ReachHop, last: boolean): string {
  const target = last ? '(p:Resource)' : '(:Resource)';
  const type = hop.transitive ? `${hop.type}*1..20` : hop.type;
  return hop.direction === 'out' ? `-[:${type}]->${target}` : `<-[:${type}]-${target}`;
}

/** From the changed object to the pods it reaches (PODS_REACHED, the rule the embedded store walks in memory). */
export function podsReachedQuery(kind: string): string | undefined {
  const path = reachPath(kind);
  if (!path) return undefined;
  if (path.length === 0) return 'MATCH (p:Resource {key: $key})';
  const pattern = path.map((hop, index) => hopPattern(hop, index === path.length - 1)).join('');
  return `MATCH (:Resource {key: $key})${pattern}${path.some((hop) => hop.transitive) ? " WHERE p.kind = 'Pod'" : ''}`;
}

async function keysOf(tx: ManagedTransaction, query: string, params: Record<string, unknown>): Promise<string[]> {
  return (await rows<{ key: string }>(tx, query, params)).map((row) => row.key);
}

/** What a change to this object touches: pods, their top-level workloads, services, ingresses and nodes. */
export async function impact(tx: ManagedTransaction, ref: EntityRef): Promise<ImpactAnswer> {
  const key = (await keysFor(tx, ref))[0];
  const empty = { pods: [], workloads: [], services: [], ingresses: [], nodes: [] };
  const self = key ? await nodesByKey(tx, [key]) : new Map();
  if (!key || !self.has(key)) return { entity: ref, known: false, ...empty };
  const podsQuery = podsReachedQuery(refOf(self, key).kind);
  const pods = podsQuery ? await keysOf(tx, `${podsQuery} WITH DISTINCT p WHERE p.deleted = false RETURN p.key AS key`, { key }) : [];
  const workloads = await keysOf(
    tx,
    'UNWIND $pods AS key MATCH (:Resource {key: key})<-[:OWNS*1..20]-(top:Resource) WHERE NOT (top)<-[:OWNS]-() RETURN DISTINCT top.key AS key',
    { pods },
  );
  const services = await keysOf(tx, 'UNWIND $pods AS key MATCH (:Resource {key: key})<-[:SELECTS]-(s:Resource) RETURN DISTINCT s.key AS key', { pods });
  const nodes = await keysOf(tx, 'UNWIND $pods AS key MATCH (:Resource {key: key})-[:RUNS_ON]->(n:Resource) RETURN DISTINCT n.key AS key', { pods });
  const ingresses = await keysOf(tx, 'UNWIND $services AS key MATCH (:Resource {key: key})<-[:ROUTES_TO]-(i:Resource) RETURN DISTINCT i.key AS key', { services });
  const known = await nodesByKey(tx, [key, ...pods, ...workloads, ...services, ...nodes, ...ingresses]);
  const refs = (keys: string[]) => keys.map((item) => refOf(known, item)).sort(byEntityKey);
  return { entity: refOf(known, key), known: true, pods: refs(pods), workloads: refs(workloads), services: refs(services), ingresses: refs(ingresses), nodes: refs(nodes) };
}

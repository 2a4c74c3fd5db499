import { byEntityKey, type EntityRef, type ImpactAnswer } from '@tapio/domain';
import type { ManagedTransaction } from 'neo4j-driver';
import { keysFor, nodesByKey, refOf } from './entity-lookup.js';
import { rows } from './reader.js';

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'];

/** From the changed object `x` to the pods it reaches, per kind (seed 000's impact analysis). */
const PODS_OF: Record<string, string> = {
  Pod: 'MATCH (p:Resource {key: $key})',
  ConfigMap: 'MATCH (:Resource {key: $key})<-[:MOUNTS]-(p:Resource)',
  Secret: 'MATCH (:Resource {key: $key})<-[:USES_SECRET]-(p:Resource)',
  PersistentVolumeClaim: 'MATCH (:Resource {key: $key})<-[:CLAIMS]-(p:Resource)',
  PersistentVolume: 'MATCH (:Resource {key: $key})<-[:BOUND_TO]-(:Resource)<-[:CLAIMS]-(p:Resource)',
  Service: 'MATCH (:Resource {key: $key})-[:SELECTS]->(p:Resource)',
  Node: 'MATCH (:Resource {key: $key})<-[:RUNS_ON]-(p:Resource)',
  Ingress: 'MATCH (:Resource {key: $key})-[:ROUTES_TO]->(:Resource)-[:SELECTS]->(p:Resource)',
  NetworkPolicy: 'MATCH (:Resource {key: $key})-[:APPLIES_TO]->(p:Resource)',
  HorizontalPodAutoscaler: "MATCH (:Resource {key: $key})-[:SCALES]->(:Resource)-[:OWNS*1..20]->(p:Resource) WHERE p.kind = 'Pod'",
  ...Object.fromEntries(WORKLOADS.map((kind) => [kind, "MATCH (:Resource {key: $key})-[:OWNS*1..20]->(p:Resource) WHERE p.kind = 'Pod'"])),
};

async function keysOf(tx: ManagedTransaction, query: string, params: Record<string, unknown>): Promise<string[]> {
  return (await rows<{ key: string }>(tx, query, params)).map((row) => row.key);
}

/** What a change to this object touches: pods, their top-level workloads, services, ingresses and nodes. */
export async function impact(tx: ManagedTransaction, ref: EntityRef): Promise<ImpactAnswer> {
  const key = (await keysFor(tx, ref))[0];
  const empty = { pods: [], workloads: [], services: [], ingresses: [], nodes: [] };
  const self = key ? await nodesByKey(tx, [key]) : new Map();
  if (!key || !self.has(key)) return { entity: ref, known: false, ...empty };
  const podsQuery = PODS_OF[refOf(self, key).kind];
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

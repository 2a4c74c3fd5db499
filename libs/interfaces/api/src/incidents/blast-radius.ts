import { EntityRef, entityKey, Insight } from '@tapio/domain';
import type { ApiGraph } from '../context/api-context.js';
import { z } from 'zod';

export const BLAST_ROLES = ['root', 'workload', 'pod', 'service', 'ingress'] as const;

export const BlastNode = z.object({
  key: z.string(),
  entity: EntityRef,
  role: z.enum(BLAST_ROLES),
  /** The insight names this resource among its symptoms. */
  symptom: z.boolean(),
});
export type BlastNode = z.infer<typeof BlastNode>;

/** Drawn left to right: root -> workload -> pod -> Service -> Ingress. */
export const BlastEdge = z.object({ from: z.string(), to: z.string(), relation: z.string() });
export type BlastEdge = z.infer<typeof BlastEdge>;

/** Another incident on the same root: matches folded into their own insight outside the merge window. */
export const FoldedIncident = Insight.pick({ id: true, title: true, severity: true, confidence: true, firstSeen: true, lastSeen: true });
export type FoldedIncident = z.infer<typeof FoldedIncident>;

export const BlastRadius = z.object({
  insightId: z.string(),
  nodes: z.array(BlastNode),
  edges: z.array(BlastEdge),
  /** Pods beyond the ones drawn (large workloads are summarised). */
  morePods: z.number().int().nonnegative(),
  folded: z.array(FoldedIncident),
});
export type BlastRadius = z.infer<typeof BlastRadius>;

/** Enough pods to see the shape; a 300-replica workload would be an unreadable hairball. */
const MAX_PODS = 24;

/**
 * What the incident's root cause touches, as a small graph: the graph's impact answer
 * (pods, their top workloads, Services, Ingresses) linked by the topology edges between them.
 */
export async function blastRadius(graph: ApiGraph, insight: Insight): Promise<BlastRadius> {
  const root = insight.rootCause.entity;
  const rootKey = entityKey(root);
  const symptomKeys = new Set(insight.symptoms.map(entityKey));
  const impact = await graph.impact(root);
  const nodes = new Map<string, BlastNode>();
  const edges = new Map<string, BlastEdge>();
  const add = (entity: EntityRef, role: BlastNode['role']) => {
    const key = entityKey(entity);
    if (!nodes.has(key)) nodes.set(key, { key, entity: plain(entity), role, symptom: symptomKeys.has(key) });
    return key;
  };
  const link = (from: string, to: string, relation: string) => {
    if (from !== to) edges.set(`${from}>${to}`, { from, to, relation });
  };

  add(root, 'root');
  const workloads = new Set(impact.workloads.map((workload) => add(workload, workload.kind === root.kind && entityKey(workload) === rootKey ? 'root' : 'workload')));
  for (const workload of workloads) link(rootKey, workload, root.kind === 'ConfigMap' || root.kind === 'Secret' ? 'used by' : 'affects');
  const pods = impact.pods.slice(0, MAX_PODS);
  for (const pod of pods) {
    const podKey = add(pod, 'pod');
    const owner = await topWorkload(graph, podKey, workloads);
    link(owner ?? rootKey, podKey, owner ? 'owns' : 'affects');
  }
  for (const service of impact.services) add(service, 'service');
  for (const ingress of impact.ingresses) add(ingress, 'ingress');
  for (const service of impact.services) {
    const serviceKey = entityKey(service);
    for (const edge of await graph.edgesOf(serviceKey)) {
      if (edge.type === 'SELECTS' && edge.from === serviceKey && nodes.has(edge.to)) link(edge.to, serviceKey, 'selected by');
      if (edge.type === 'ROUTES_TO' && edge.to === serviceKey && nodes.has(edge.from)) link(serviceKey, edge.from, 'routed from');
    }
  }
  const others = await graph.insights({ entity: root, limit: 20 });
  const folded = others.items
    .filter((other) => other.id !== insight.id)
    .map(({ id, title, severity, confidence, firstSeen, lastSeen }) => ({ id, title, severity, confidence, firstSeen, lastSeen }));
  return { insightId: insight.id, nodes: [...nodes.values()], edges: [...edges.values()], morePods: impact.pods.length - pods.length, folded };
}

/** The workload owning a pod, through at most two OWNS hops (Deployment -> ReplicaSet -> Pod). */
async function topWorkload(graph: ApiGraph, podKey: string, workloads: Set<string>): Promise<string | undefined> {
  let current = podKey;
  for (let hop = 0; hop < 2; hop++) {
    const owner = (await graph.edgesOf(current)).find((edge) => edge.type === 'OWNS' && edge.to === current)?.from;
    if (!owner) return undefined;
    if (workloads.has(owner)) return owner;
    current = owner;
  }
  return undefined;
}

function plain(entity: EntityRef): EntityRef {
  return { kind: entity.kind, name: entity.name, namespace: entity.namespace ?? null, ...(entity.cluster ? { cluster: entity.cluster } : {}) };
}

import { z } from 'zod';
import { EntityRef } from '../entities/entity-ref.js';
import { K8sObjectFacts } from '../entities/k8s-object-facts.js';
import { EventType } from '../events/event-type.js';
import { Severity } from '../events/severity.js';

/** Node labels of seeds 000 §4 and 002 §5. Resource labels equal the Kubernetes kind. */
export const RESOURCE_LABELS = [
  'Pod',
  'Service',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'Node',
  'Namespace',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Ingress',
  'NetworkPolicy',
  'HorizontalPodAutoscaler',
  'Endpoints',
] as const;
export const ResourceLabel = z.enum(RESOURCE_LABELS);
export type ResourceLabel = z.infer<typeof ResourceLabel>;

export const GRAPH_LABELS = [...RESOURCE_LABELS, 'Event', 'Pattern', 'Prediction', 'Feedback', 'Insight'] as const;

/** Topology relationships between resources. */
export const TOPOLOGY_RELATIONSHIPS = [
  'OWNS',
  'SELECTS',
  'MOUNTS',
  'USES_SECRET',
  'CLAIMS',
  'BOUND_TO',
  'RUNS_ON',
  'ROUTES_TO',
  'APPLIES_TO',
  'SCALES',
  // Who may do what: a Pod runs as a ServiceAccount; a RoleBinding or ClusterRoleBinding grants its Role or ClusterRole to a ServiceAccount.
  'RUNS_AS',
  'GRANTS',
  'BINDS',
  // Who calls whom, from evidence (probe commands, failure messages, kernel and DNS reports).
  'DEPENDS_ON',
] as const;
export const TopologyRelationship = z.enum(TOPOLOGY_RELATIONSHIPS);
export type TopologyRelationship = z.infer<typeof TopologyRelationship>;

/** Relationships involving events, patterns, predictions, feedback, insights. */
export const EVENT_RELATIONSHIPS = [
  'AFFECTS',
  'CAUSED',
  'TRIGGERED',
  'CORRELATED_WITH',
  'PRECEDED',
  'MATCHES',
  'PREDICTED',
  'VALIDATES',
  'EXPLAINS',
] as const;

/** A resource node: a Kubernetes object as the graph holds it. */
export const ResourceNode = z.object({
  key: z.string().min(1),
  ref: EntityRef,
  facts: K8sObjectFacts.optional(),
  /** True once the object was seen deleted; kept so past events still resolve. */
  deleted: z.boolean().default(false),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type ResourceNode = z.infer<typeof ResourceNode>;

/** An outgoing topology edge from a resource, by target key. */
export const TopologyEdge = z.object({
  type: TopologyRelationship,
  from: z.string().min(1),
  to: z.string().min(1),
  /** Why the edge exists, when it was inferred rather than read from an object (DEPENDS_ON). */
  evidence: z.string().max(2000).optional(),
});
export type TopologyEdge = z.infer<typeof TopologyEdge>;

/** Every resource and topology edge a store holds: what a correlation worker starts from. */
export const TopologySnapshot = z.object({ nodes: z.array(ResourceNode), edges: z.array(TopologyEdge) });
export type TopologySnapshot = z.infer<typeof TopologySnapshot>;

/** A set of edges a node defines: its outgoing (or incoming) edges of one type. */
export const EdgeSet = z.object({ type: TopologyRelationship, direction: z.enum(['out', 'in']) });
export type EdgeSet = z.infer<typeof EdgeSet>;

/**
 * One topology mutation. `upsert` sets the node and, for every edge set in `replace`,
 * makes the node's edges of that type and direction exactly those listed in `edges`
 * (so a changed selector, mount or owner drops stale edges). A Pod, for example,
 * replaces its outgoing MOUNTS and RUNS_ON and its incoming OWNS and SELECTS.
 * `delete` removes every edge of the node and marks it deleted (kept so past events
 * still resolve).
 */
export const TopologyChange = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('upsert'),
    node: ResourceNode,
    replace: z.array(EdgeSet),
    edges: z.array(TopologyEdge),
  }),
  z.object({ op: z.literal('delete'), key: z.string().min(1), at: z.iso.datetime({ offset: true }) }),
]);
export type TopologyChange = z.infer<typeof TopologyChange>;

export const EventSummary = z.object({
  id: z.string(),
  type: EventType,
  timestamp: z.iso.datetime({ offset: true }),
  severity: Severity,
  message: z.string(),
  source: z.string(),
  entity: EntityRef.optional(),
});
export type EventSummary = z.infer<typeof EventSummary>;

import { z } from 'zod';

/**
 * How every layer names a thing: a Kubernetes object (Pod, ConfigMap, Node...) or a
 * host-level entity (Host, Process, SystemdUnit). Compared on kind, namespace, name
 * (and cluster when both sides know it). Cluster-scoped kinds have no namespace.
 */
export const EntityRef = z.object({
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().min(1).nullish(),
  cluster: z.string().min(1).optional(),
  uid: z.string().min(1).optional(),
});
export type EntityRef = z.infer<typeof EntityRef>;

export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Node',
  'PersistentVolume',
  'Namespace',
  'StorageClass',
  'VolumeAttachment',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'Host',
]);

export const DEFAULT_CLUSTER = 'default';

/**
 * A stable string key for an entity, used as the graph node key everywhere:
 * `cluster/Kind/namespace/name` (namespace `_` for cluster-scoped kinds).
 */
export function entityKey(ref: Pick<EntityRef, 'kind' | 'name' | 'namespace' | 'cluster'>): string {
  const namespace = CLUSTER_SCOPED_KINDS.has(ref.kind) ? '_' : (ref.namespace ?? '_');
  return `${ref.cluster ?? DEFAULT_CLUSTER}/${ref.kind}/${namespace}/${ref.name}`;
}

/** Inverse of `entityKey`. Returns undefined for a string that is not an entity key. */
export function parseEntityKey(key: string): EntityRef | undefined {
  const parts = key.split('/');
  if (parts.length !== 4) return undefined;
  const [cluster, kind, namespace, name] = parts as [string, string, string, string];
  if (!cluster || !kind || !name) return undefined;
  return { cluster, kind, name, namespace: namespace === '_' ? null : namespace };
}

/**
 * The kind of an entity key, as `parseEntityKey(key)?.kind` (undefined for a string that is
 * not one) without splitting it: the correlators ask it of every event they walk past.
 */
export function entityKeyKind(key: string): string | undefined {
  const first = key.indexOf('/');
  if (first <= 0) return undefined;
  const second = key.indexOf('/', first + 1);
  if (second <= first + 1) return undefined;
  const third = key.indexOf('/', second + 1);
  if (third < 0 || third === key.length - 1 || key.indexOf('/', third + 1) >= 0) return undefined;
  return key.slice(first + 1, second);
}

export function sameEntity(a: EntityRef, b: EntityRef): boolean {
  if (a.kind !== b.kind || a.name !== b.name) return false;
  if ((a.namespace ?? null) !== (b.namespace ?? null) && !CLUSTER_SCOPED_KINDS.has(a.kind)) return false;
  return a.cluster === undefined || b.cluster === undefined || a.cluster === b.cluster;
}

export function formatEntity(ref: Pick<EntityRef, 'kind' | 'name' | 'namespace'>): string {
  return ref.namespace && !CLUSTER_SCOPED_KINDS.has(ref.kind)
    ? `${ref.kind} ${ref.namespace}/${ref.name}`
    : `${ref.kind} ${ref.name}`;
}

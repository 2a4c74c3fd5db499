import { CLUSTER_SCOPED_KINDS, DEFAULT_CLUSTER } from '@tapio/plugin-api';
import type { UnifiedEvent } from '@tapio/plugin-api';

/**
 * Which correlation worker an event belongs to. Every event of a namespace (an
 * entity, its owners, the ConfigMaps it mounts, the Service selecting it) shares one
 * key, so those never split between workers. Cluster-scoped events (Nodes, PVs)
 * return null: they go to every worker, because every namespace may run on a node.
 */
export function partitionKey(event: Pick<UnifiedEvent, 'entity' | 'k8sContext'>): string | null {
  const entity = event.entity ?? event.k8sContext;
  if (!entity) return null;
  if (CLUSTER_SCOPED_KINDS.has(entity.kind) || !entity.namespace) return null;
  return `${entity.cluster ?? DEFAULT_CLUSTER}/${entity.namespace}`;
}

/** FNV-1a 32-bit: stable across processes and Node versions. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function partitionOf(key: string, count: number): number {
  return stableHash(key) % count;
}

/**
 * Partition key of a RawEvent, consistent with `partitionKey` for the events it
 * becomes: Kubernetes objects by namespace (so a stateful transformer sees every
 * version of one object), cluster-scoped objects null (every worker), other sources
 * by their k8s_namespace metadata, else by source.
 */
export function rawPartitionKey(raw: { source: string; data: unknown; metadata: Record<string, string> }): string | null {
  const cluster = raw.metadata['cluster'] ?? DEFAULT_CLUSTER;
  const object = (raw.data as { object?: { kind?: unknown; metadata?: { namespace?: unknown } } } | null)?.object;
  if (object && typeof object === 'object') {
    const namespace = object.metadata?.namespace;
    if (typeof object.kind === 'string' && CLUSTER_SCOPED_KINDS.has(object.kind)) return null;
    return typeof namespace === 'string' && namespace ? `${cluster}/${namespace}` : null;
  }
  const namespace = raw.metadata['k8s_namespace'];
  return namespace ? `${cluster}/${namespace}` : `${cluster}/source:${raw.source}`;
}

import { entityKeyKind, evictionUsageKey, type ContainerFacts, type EventType, type IndexedEvent } from '@tapio/domain';

/**
 * A node resource the kubelet takes back by evicting pods when the node runs low on it, and
 * where Tapio finds who consumed it: the figure the transformer reads from the eviction
 * message, the kubelet collector's measured figure, and whether a container's own limit
 * bounds its use. Memory pressure and disk pressure are one story (a pod without a limit
 * grows, the node falls below the kubelet's threshold, the kubelet evicts by its ranking,
 * lowest priority first), told with different figures.
 */
export interface PressureResource {
  /** The kubelet's name for it, as the transformer writes it to `annotations.eviction.resource`. */
  name: string;
  /** The node condition's event while the node is low on it. */
  nodeEvent: EventType;
  /** The annotation holding what the eviction message says the pod used (bytes): the transformer's `evictionUsageKey`. */
  evictionFigure: string;
  /** The kubelet collector's metric of a pod's or container's use (bytes). */
  kubeletMetric: string;
  /** The kubelet collector's metric of the limit beside it: absent when nothing bounds the use. */
  kubeletLimitMetric: string;
  /** Whether nothing bounds what the container takes of it from the node. */
  unbounded(container: ContainerFacts): boolean;
  /** In a sentence: "evicted for memory", "until its memory pressure ends". */
  words: string;
  pressureWords: string;
}

export const MEMORY: PressureResource = {
  name: 'memory',
  nodeEvent: 'memory_pressure',
  evictionFigure: evictionUsageKey('memory') as string,
  kubeletMetric: 'memory.working_set_bytes',
  kubeletLimitMetric: 'memory.limit_bytes',
  unbounded: (container) => container.memoryLimitBytes === undefined,
  words: 'memory',
  pressureWords: 'memory pressure',
};

export const EPHEMERAL_STORAGE: PressureResource = {
  name: 'ephemeral-storage',
  nodeEvent: 'disk_pressure',
  evictionFigure: evictionUsageKey('ephemeral-storage') as string,
  kubeletMetric: 'ephemeral_storage.used_bytes',
  kubeletLimitMetric: 'ephemeral_storage.limit_bytes',
  unbounded: (container) => container.storageLimitBytes === undefined,
  words: 'ephemeral storage',
  pressureWords: 'disk pressure',
};

const BY_NAME: ReadonlyMap<string, PressureResource> = new Map([MEMORY, EPHEMERAL_STORAGE].map((resource) => [resource.name, resource]));
const BY_NODE_EVENT: ReadonlyMap<string, PressureResource> = new Map([MEMORY, EPHEMERAL_STORAGE].map((resource) => [resource.nodeEvent, resource]));

/**
 * The resource an event says a node ran low on: the Node's pressure condition, or the
 * kubelet's eviction of a pod for it (`annotations.eviction.resource`; an eviction stored
 * before that annotation existed carries only its memory figure). Undefined otherwise.
 */
export function pressureResourceOf(item: IndexedEvent): PressureResource | undefined {
  const { type, annotations } = item.event;
  if (type === 'pod_evicted') {
    const named = annotations?.['eviction.resource'];
    if (named !== undefined) return BY_NAME.get(named);
    return annotations?.[MEMORY.evictionFigure] !== undefined ? MEMORY : undefined;
  }
  const resource = BY_NODE_EVENT.get(type);
  return resource && entityKeyKind(item.entityKey ?? '') === 'Node' ? resource : undefined;
}

/**
 * Whether the event is the node's pressure, or a pressure eviction with the kubelet's figures:
 * evidence that a consumer on the node, not the evicted pod or the node, is the cause.
 */
export function isPressureEvidence(item: IndexedEvent): boolean {
  const resource = pressureResourceOf(item);
  if (!resource) return false;
  return item.event.type !== 'pod_evicted' || item.event.annotations?.[resource.evictionFigure] !== undefined;
}

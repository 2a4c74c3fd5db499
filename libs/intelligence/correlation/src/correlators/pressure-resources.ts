import { entityKeyKind, evictionUsageKey, type ContainerFacts, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';

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
  /** The annotation holding what the eviction message says the pod used (bytes): the transformer's `evictionUsageKey`; undefined when the kubelet's message gives no figure (pids). */
  evictionFigure: string | undefined;
  /**
   * A figure below this cannot have pushed the node into pressure (bytes; processes for pids): a
   * pod that small was evicted first for its priority or its QoS class (a BestEffort pod goes
   * before the Burstable one that grew), so it is a victim, whatever its eviction reports.
   */
  negligible: number;
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
  negligible: 64 * 1024 * 1024,
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
  negligible: 64 * 1024 * 1024,
  kubeletMetric: 'ephemeral_storage.used_bytes',
  kubeletLimitMetric: 'ephemeral_storage.limit_bytes',
  unbounded: (container) => container.storageLimitBytes === undefined,
  words: 'ephemeral storage',
  pressureWords: 'disk pressure',
};

/**
 * Process IDs: a fork loop or a thread leak takes the node's PIDs. The kubelet's eviction message
 * names the resource without any figure, and nothing in a pod's spec bounds its processes (the
 * kubelet's podPidsLimit bounds every pod alike), so the evidence is the kubelet collector's
 * process counts, a release just before, and the kubelet's own ranking (lowest priority first,
 * then the most processes).
 */
export const PIDS: PressureResource = {
  name: 'pids',
  nodeEvent: 'pid_pressure',
  evictionFigure: undefined,
  negligible: 100,
  kubeletMetric: 'pids.count',
  kubeletLimitMetric: 'pids.limit',
  unbounded: () => true,
  words: 'processes',
  pressureWords: 'PID pressure',
};

const RESOURCES: readonly PressureResource[] = [MEMORY, EPHEMERAL_STORAGE, PIDS];
const BY_NAME: ReadonlyMap<string, PressureResource> = new Map(RESOURCES.map((resource) => [resource.name, resource]));
const BY_NODE_EVENT: ReadonlyMap<string, PressureResource> = new Map(RESOURCES.map((resource) => [resource.nodeEvent, resource]));

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
    return annotations?.[MEMORY.evictionFigure as string] !== undefined ? MEMORY : undefined;
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
  // A resource the kubelet gives no figure for: its eviction is all the evidence there is.
  return item.event.type !== 'pod_evicted' || resource.evictionFigure === undefined || item.event.annotations?.[resource.evictionFigure] !== undefined;
}

const OOM_KILLS: ReadonlySet<EventType> = new Set<EventType>(['oom_killed', 'oom_kill']);
/** How close a container's kill and its node's SystemOOM report are when they are the same kill. */
const SYSTEM_OOM_NEAR_MS = 60_000;

/**
 * Whether a container's OOM kill was the kernel's, for its node (the kubelet reported SystemOOM
 * on the Node within a minute of it), not its own cgroup limit: the node ran out of memory, and
 * the killed container is as likely a victim as the consumer (the kernel picks by its score,
 * not by who grew). A pod's own limit kill happens without a SystemOOM on its node.
 */
export function isSystemOomVictim(state: Pick<CorrelationState, 'nodeNameOf' | 'eventsOnNode'>, item: IndexedEvent): boolean {
  if (!OOM_KILLS.has(item.event.type) || entityKeyKind(item.entityKey ?? '') !== 'Pod') return false;
  const node = state.nodeNameOf(item.entityKey as string);
  if (!node) return false;
  return state.eventsOnNode(node, item.at - SYSTEM_OOM_NEAR_MS, OOM_KILLS).some((other) => entityKeyKind(other.entityKey ?? '') === 'Node' && Math.abs(other.at - item.at) <= SYSTEM_OOM_NEAR_MS);
}

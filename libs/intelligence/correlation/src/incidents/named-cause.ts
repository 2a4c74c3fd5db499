import { entityKey, entityKeyKind, parseEntityKey, WORKLOAD_KINDS, type EventType, type IndexedEvent } from '@tapio/domain';
import { EPHEMERAL_STORAGE, MEMORY, pressureResourceOf, type PressureResource } from '../correlators/pressure-resources.js';
import { latestMatching } from '../state/state-walks.js';
import { podQuotaTakenBy } from './quota-takers.js';
import type { WorkingState } from '../state/working-state.js';

const EVICTION_LOOKBACK_MS = 30 * 60_000;

/** A pod's top workload (Deployment, StatefulSet, Job, ...) when it has one: what an operator changes. */
export function workloadOrSelf(state: WorkingState, key: string): string {
  if (entityKeyKind(key) !== 'Pod') return key;
  const chain = state.ownerChain(key);
  const top = chain[chain.length - 1];
  return top && WORKLOAD_KINDS.has(entityKeyKind(top) ?? '') ? top : key;
}

/**
 * The object the root event's message names as the cause (`annotations.cause.*`, set by the
 * transformer: the ResourceQuota that refused a pod, the preemptor of a victim, a missing
 * PriorityClass deleted lately). A cause named by kind only (a LimitRange: its admission message does not
 * name it) is the one of that kind in the event's namespace that changed last. Undefined when
 * the topology does not know it (unless the message proves it exists, `cause.exists`: a quota
 * that refused); a preemptor pod answers as its workload.
 */
export function namedCause(state: WorkingState, root: IndexedEvent): string | undefined {
  const annotations = root.event.annotations ?? {};
  const kind = annotations['cause.kind'];
  const ref = root.entityKey ? parseEntityKey(root.entityKey) : undefined;
  if (!kind || !ref) return undefined;
  const cluster = ref.cluster;
  const name = annotations['cause.name'];
  if (name) {
    const key = entityKey({ kind, name, namespace: annotations['cause.namespace'] ?? null, ...(cluster ? { cluster } : {}) });
    if (kind === 'ResourceQuota') {
      const taker = releaseOutgrowingQuota(state, root, key) ?? podQuotaTakenBy(state, root, key);
      if (taker) return taker;
    }
    // A deleted object is a cause too: the transformer names a missing PriorityClass only when it saw it deleted lately.
    if (state.resource(key)) return workloadOrSelf(state, key);
    // One the message proves exists (a quota that refused: `cause.exists`), watched or not.
    return annotations['cause.exists'] === 'true' ? key : undefined;
  }
  const namespace = annotations['cause.namespace'] ?? ref.namespace ?? null;
  let best: { key: string; at: string } | undefined;
  for (const node of state.topology.values()) {
    if (node.deleted || node.ref.kind !== kind || (node.ref.namespace ?? null) !== namespace || node.ref.cluster !== cluster) continue;
    if (!best || node.updatedAt > best.at) best = { key: node.key, at: node.updatedAt };
  }
  return best?.key;
}

const QUOTA_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['quota_changed']);
const TEMPLATE_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['workload_spec_changed']);
/** What a quota refusal says was asked: `requested: requests.memory=2Gi,limits.memory=3Gi`. */
const REQUESTED = /requested: ([^\s]+)/;
const QUOTA_WINDOW_MS = 30 * 60_000;

/**
 * The refused workload, when its own release in the half hour before changed what the quota
 * refused (`resources.requests.memory` for `requests.memory`) and the quota itself did not
 * change: the release asked for more than the namespace has left, as a routine rollout of the
 * old template would not. Undefined otherwise (the quota's answer stands).
 */
function releaseOutgrowingQuota(state: WorkingState, root: IndexedEvent, quota: string): string | undefined {
  const refused = (REQUESTED.exec(root.event.message)?.[1] ?? '').split(',').map((item) => item.split('=')[0]).filter((name): name is string => !!name);
  if (!root.entityKey || refused.length === 0) return undefined;
  if (state.eventsOn(quota, root.at - QUOTA_WINDOW_MS, QUOTA_CHANGES).some((item) => item.at <= root.at)) return undefined;
  const workload = state.rootOwner(root.entityKey);
  const release = latestMatching(state, 'entity', workload, root.at - QUOTA_WINDOW_MS, TEMPLATE_CHANGES, { until: root.at });
  return release?.event.kubernetes?.changes?.some((change) => refused.some((name) => change.path.endsWith(`resources.${name}`))) ? workload : undefined;
}

const KUBELET_FIGURES = new Set(['resource_usage', 'memory_limit_approaching'] as const);
/** What makes a workload take more of a node: a release, or more of its pods (a scale-up placing them there). */
const RELEASES: ReadonlySet<EventType> = new Set<EventType>(['workload_spec_changed', 'workload_scaled']);
const EVICTED: ReadonlySet<EventType> = new Set<EventType>(['pod_evicted']);

const nodeKeyOf = (node: string, cluster: string | undefined): string => entityKey({ kind: 'Node', name: node, ...(cluster ? { cluster } : {}) });

/**
 * Without a figure that could explain the pressure: of the pods on the node with a container
 * that nothing bounds in the resource (no memory limit, no ephemeral-storage limit), the
 * workload released last within the window (a release is what makes a workload grow; the
 * kubelet then evicts the smallest, lowest-priority pods first, and the consumer may not be
 * evicted before the analysis ends).
 */
function lastReleasedUnbounded(state: WorkingState, resource: PressureResource, node: string, cluster: string | undefined, since: number, until: number, kind?: string): string | undefined {
  const workloads = new Set<string>();
  for (const pod of state.neighbours(nodeKeyOf(node, cluster), 'RUNS_ON', 'in')) {
    const containers = state.resource(pod)?.facts?.containers;
    if (!containers?.some((container) => resource.unbounded(container))) continue;
    const workload = workloadOrSelf(state, pod);
    if (!kind || entityKeyKind(workload) === kind) workloads.add(workload);
  }
  let best: { key: string; at: number } | undefined;
  for (const workload of workloads) {
    const release = latestMatching(state, 'entity', workload, since, RELEASES, { until });
    if (release && (!best || release.at > best.at)) best = { key: workload, at: release.at };
  }
  return best?.key;
}

/**
 * Each pod's use of the resource on a node by the kubelet's own figures (the kubelet
 * collector's `resource_usage` and `memory_limit_approaching` events: `memory.working_set_bytes`
 * per container, `ephemeral_storage.used_bytes` per pod): the latest figure of each container
 * (or pod) at or before `until`, summed per pod; unlimited when one has no limit beside it.
 */
function kubeletFiguresByPod(state: WorkingState, resource: PressureResource, node: string, since: number, until: number): Map<string, { bytes: number; unlimited: boolean }> {
  const latest = new Map<string, { at: number; bytes: number; pod: string; unlimited: boolean }>();
  for (const item of state.eventsOnNode(node, since, KUBELET_FIGURES)) {
    const bytes = item.event.metrics?.[resource.kubeletMetric];
    if (!item.entityKey || bytes === undefined || !Number.isFinite(bytes) || item.at > until) continue;
    const container = `${item.entityKey}\u0000${item.event.kubernetes?.container ?? ''}`;
    const known = latest.get(container);
    const unlimited = item.event.metrics?.[resource.kubeletLimitMetric] === undefined;
    if (!known || item.at >= known.at) latest.set(container, { at: item.at, bytes, pod: item.entityKey, unlimited });
  }
  const byPod = new Map<string, { bytes: number; unlimited: boolean }>();
  for (const { pod, bytes, unlimited } of latest.values()) {
    const sum = byPod.get(pod);
    byPod.set(pod, { bytes: (sum?.bytes ?? 0) + bytes, unlimited: (sum?.unlimited ?? false) || unlimited });
  }
  return byPod;
}

/**
 * The pressure episode a root event belongs to: its node and the resource the node ran low
 * on (memory when the event names none), as one key. Incidents rooted at a consumer of the
 * same episode are judged again together (consumer-rejudging.ts). Undefined off any node.
 */
export function pressureEpisodeOf(state: WorkingState, root: IndexedEvent): string | undefined {
  const key = root.entityKey;
  if (!key) return undefined;
  const node = entityKeyKind(key) === 'Node' ? parseEntityKey(key)?.name : state.nodeNameOf(key);
  return node ? `${node}\u0000${(pressureResourceOf(root) ?? MEMORY).name}` : undefined;
}

/**
 * The consumer behind node pressure (memory, or ephemeral storage under disk pressure: the
 * resource the root event names, memory when it names none): of the pods on the root's node,
 * the one that used the most of it in the last 30 minutes, as its workload. Candidates are the
 * pods the kubelet evicted there for that resource and, when the kubelet collector reports
 * figures, the pods with a container without a limit on it (the usual runaway; a pod within
 * its limits is bounded by design, however big). A pod's figure is the kubelet's when the
 * collector reported it (latest per container, summed), otherwise its own eviction message's
 * (`annotations.memory.usage_bytes`, `annotations.storage.usage_bytes`). Without kubelet
 * figures: the kubelet evicts the pods that exceed their requests the most first, so the
 * consumer is usually the first evicted and the pods evicted after it are its victims (not
 * when the victims have a lower priority: the kubelet takes them first). When every figure is
 * negligible (only such victims evicted so far), the unbounded workload released last on the
 * node is the consumer, else the only unbounded one left running, else the Node. `until`
 * (default: the root's time) is how late a figure may be: the evidence known when the incident
 * is resolved, not only when the pressure began. Undefined without any figure.
 */
export function topConsumer(state: WorkingState, root: IndexedEvent, until = root.at): string | undefined {
  const key = root.entityKey;
  if (!key) return undefined;
  const resource = pressureResourceOf(root) ?? MEMORY;
  const node = entityKeyKind(key) === 'Node' ? parseEntityKey(key)?.name : state.nodeNameOf(key);
  const since = root.at - EVICTION_LOOKBACK_MS;
  const kubelet = node ? kubeletFiguresByPod(state, resource, node, since, until) : new Map<string, { bytes: number; unlimited: boolean }>();
  const usage = new Map<string, number>();
  for (const [pod, figure] of kubelet) if (figure.unlimited) usage.set(pod, figure.bytes);
  const evictions = node ? state.eventsOnNode(node, since, EVICTED) : [];
  for (const item of [root, ...evictions]) {
    if (!item.entityKey || item.at > until) continue;
    const measured = kubelet.get(item.entityKey)?.bytes;
    const reported = Number((resource.evictionFigure && item.event.annotations?.[resource.evictionFigure]) ?? Number.NaN);
    const bytes = measured ?? (Number.isFinite(reported) ? reported : undefined);
    if (bytes !== undefined) usage.set(item.entityKey, Math.max(bytes, usage.get(item.entityKey) ?? 0));
  }
  let best: { key: string; usage: number } | undefined;
  for (const [pod, bytes] of usage) if (!best || bytes > best.usage || (bytes === best.usage && pod < best.key)) best = { key: pod, usage: bytes };
  // The kubelet could not free the images it had to (all in use): when no pod wrote as much as
  // it tried to free, the node's images fill its disk, not a pod.
  if (node && resource === EPHEMERAL_STORAGE && (best?.usage ?? 0) < imagesToFree(state, node, since, until)) return nodeKeyOf(node, parseEntityKey(key)?.cluster);
  if (!best) return node && resource.evictionFigure === undefined ? byRanking(state, resource, [root, ...evictions], node, parseEntityKey(key)?.cluster, since, until) : undefined;
  // A node agent (DaemonSet) released just before without a bound on the resource grows on every
  // node at once; its pods run at a node-critical priority, so the kubelet evicts others, whatever they use.
  const agent = node ? lastReleasedUnbounded(state, resource, node, parseEntityKey(key)?.cluster, since, until, 'DaemonSet') : undefined;
  if (agent && !usage.has(agent)) return agent;
  if (best.usage >= resource.negligible) return workloadOrSelf(state, best.key);
  // Only victims' figures so far (the consumer is evicted later, if at all): a release of a
  // workload nothing bounds, just before, is what grew; else the one such workload the kubelet
  // left running; else the node itself (its own processes, or several candidates: nothing Tapio
  // saw names one). (Without any figure nothing says the evicted pods are victims: no guess is made.)
  if (!node) return workloadOrSelf(state, best.key);
  const cluster = parseEntityKey(key)?.cluster;
  // Every workload with a figure here has a negligible one: none of them is the consumer.
  const measured = new Set([...usage.keys()].map((pod) => workloadOrSelf(state, pod)));
  return lastReleasedUnbounded(state, resource, node, cluster, since, until) ?? soleUnboundedBystander(state, resource, node, cluster, measured) ?? nodeKeyOf(node, cluster);
}

const DISK_PRESSURE: ReadonlySet<EventType> = new Set<EventType>(['disk_pressure']);
const IMAGE_GC_FAILED = /garbage collect required amount of images\. Attempted to free (\d+) bytes/;

/** The most the kubelet's image garbage collection tried and failed to free on the node lately (bytes; 0 for none). */
function imagesToFree(state: WorkingState, node: string, since: number, until: number): number {
  let most = 0;
  for (const item of state.eventsOnNode(node, since, DISK_PRESSURE)) {
    const bytes = item.at <= until ? Number(IMAGE_GC_FAILED.exec(item.event.message)?.[1]) : Number.NaN;
    if (Number.isFinite(bytes) && bytes > most) most = bytes;
  }
  return most;
}

/**
 * Without any figure (the kubelet gives none for pids, and no kubelet collector counted): a
 * release just before on the node is what grew; else the first pod the kubelet evicted for the
 * resource, its ranking's choice (lowest priority first, then the most processes); else the Node.
 */
function byRanking(state: WorkingState, resource: PressureResource, evictions: readonly IndexedEvent[], node: string, cluster: string | undefined, since: number, until: number): string {
  const released = lastReleasedUnbounded(state, resource, node, cluster, since, until);
  if (released) return released;
  let first: IndexedEvent | undefined;
  for (const item of evictions) {
    if (item.event.type !== 'pod_evicted' || !item.entityKey || item.at > until || pressureResourceOf(item) !== resource) continue;
    if (!first || item.at < first.at) first = item;
  }
  return first?.entityKey ? workloadOrSelf(state, first.entityKey) : nodeKeyOf(node, cluster);
}

/**
 * The one workload on the node with a running pod nothing bounds in the resource, whose
 * figure (if any) is not known to be negligible (a pod growing without a release: a leak), leaving out the node's own
 * agents (DaemonSet pods, system-critical priority classes). Undefined for none or several.
 */
function soleUnboundedBystander(state: WorkingState, resource: PressureResource, node: string, cluster: string | undefined, measured: ReadonlySet<string>): string | undefined {
  const candidates = new Set<string>();
  for (const pod of state.neighbours(nodeKeyOf(node, cluster), 'RUNS_ON', 'in')) {
    const facts = state.resource(pod)?.facts;
    if (!facts || facts.phase !== 'Running' || facts.priorityClassName?.startsWith('system-')) continue;
    if (!facts.containers?.some((container) => resource.unbounded(container))) continue;
    const workload = workloadOrSelf(state, pod);
    if (entityKeyKind(workload) === 'DaemonSet' || measured.has(workload)) continue;
    candidates.add(workload);
    if (candidates.size > 1) return undefined;
  }
  return candidates.values().next().value;
}

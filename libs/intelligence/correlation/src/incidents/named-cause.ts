import { entityKey, parseEntityKey, WORKLOAD_KINDS, type IndexedEvent } from '@tapio/domain';
import type { WorkingState } from '../state/working-state.js';

const EVICTION_LOOKBACK_MS = 30 * 60_000;

/** A pod's top workload (Deployment, StatefulSet, Job, ...) when it has one: what an operator changes. */
export function workloadOrSelf(state: WorkingState, key: string): string {
  if (parseEntityKey(key)?.kind !== 'Pod') return key;
  const chain = state.ownerChain(key);
  const top = chain[chain.length - 1];
  return top && WORKLOAD_KINDS.has(parseEntityKey(top)?.kind ?? '') ? top : key;
}

/**
 * The object the root event's message names as the cause (`annotations.cause.*`, set by the
 * transformer: the ResourceQuota that refused a pod, the preemptor of a victim, a missing
 * PriorityClass). A cause named by kind only (a LimitRange: its admission message does not
 * name it) is the one of that kind in the event's namespace that changed last. Undefined when
 * the topology does not know it; a preemptor pod answers as its workload.
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
    return state.resource(key) && !state.resource(key)?.deleted ? workloadOrSelf(state, key) : undefined;
  }
  const namespace = annotations['cause.namespace'] ?? ref.namespace ?? null;
  let best: { key: string; at: string } | undefined;
  for (const node of state.topology.values()) {
    if (node.deleted || node.ref.kind !== kind || (node.ref.namespace ?? null) !== namespace || node.ref.cluster !== cluster) continue;
    if (!best || node.updatedAt > best.at) best = { key: node.key, at: node.updatedAt };
  }
  return best?.key;
}

/**
 * The consumer behind node memory pressure: of the pods the kubelet evicted from the root's
 * node in the last 30 minutes, the one that used the most memory by its own eviction figures
 * (`annotations.memory.usage_bytes`), as its workload. The kubelet evicts the pods that exceed
 * their requests the most first, so the consumer is usually the first one; pods evicted
 * afterwards to make room are its victims, not the cause. Undefined without figures.
 */
export function topConsumer(state: WorkingState, root: IndexedEvent): string | undefined {
  const key = root.entityKey;
  if (!key) return undefined;
  const node = parseEntityKey(key)?.kind === 'Node' ? parseEntityKey(key)?.name : state.nodeNameOf(key);
  const candidates = node ? state.eventsOnNode(node, root.at - EVICTION_LOOKBACK_MS, new Set(['pod_evicted'])) : [];
  let best: { key: string; usage: number } | undefined;
  for (const item of [root, ...candidates]) {
    const usage = Number(item.event.annotations?.['memory.usage_bytes'] ?? Number.NaN);
    if (!item.entityKey || !Number.isFinite(usage) || item.at > root.at) continue;
    if (!best || usage > best.usage) best = { key: item.entityKey, usage };
  }
  return best ? workloadOrSelf(state, best.key) : undefined;
}

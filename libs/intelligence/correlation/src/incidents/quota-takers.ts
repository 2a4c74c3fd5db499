import { entityKeyKind, parseEntityKey, type EventType, type IndexedEvent } from '@tapio/domain';
import type { WorkingState } from '../state/working-state.js';

const QUOTA_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['quota_changed']);
const SCALED: ReadonlySet<EventType> = new Set<EventType>(['workload_scaled']);
/** What a pod-count refusal says the namespace holds: `used: pods=50`. */
const USED_PODS = /used: (?:[^\s,]+,)*pods=(\d+)/;
/** How recent a workload's arrival (created, scaled) must be to be what filled an unchanged quota. */
const ARRIVAL_WINDOW_MS = 60 * 60_000;
const DONE_PHASES = new Set(['Succeeded', 'Failed']);

/**
 * The workload that took a namespace's pod quota: when a pod-count refusal (`requested: pods=1,
 * used: pods=50`) comes under a quota that did not change lately, the workload of that
 * namespace, other than the refused one (a new app refused its first pods under a full quota
 * is the quota's), created or scaled within the hour before and after the refused one was
 * created, that holds the most live pods, when it holds at least a third of those the quota counts (a Job started
 * with a large parallelism, a scale-up far past the usual). Undefined otherwise: the quota's
 * answer stands (a namespace grown slowly to its limit is the quota's to raise).
 */
export function podQuotaTakenBy(state: WorkingState, root: IndexedEvent, quota: string): string | undefined {
  const used = Number(USED_PODS.exec(root.event.message)?.[1] ?? Number.NaN);
  const namespace = parseEntityKey(quota)?.namespace;
  if (!root.entityKey || !Number.isFinite(used) || used <= 0 || !namespace) return undefined;
  if (state.eventsOn(quota, root.at - ARRIVAL_WINDOW_MS, QUOTA_CHANGES).some((item) => item.at <= root.at)) return undefined;
  const refused = state.rootOwner(root.entityKey);
  const pods = new Map<string, number>();
  for (const node of state.topology.values()) {
    if (node.deleted || node.ref.kind !== 'Pod' || node.ref.namespace !== namespace || DONE_PHASES.has(node.facts?.phase ?? '')) continue;
    const owner = state.rootOwner(node.key);
    if (owner !== node.key && owner !== refused) pods.set(owner, (pods.get(owner) ?? 0) + 1);
  }
  let best: { key: string; pods: number } | undefined;
  for (const [owner, count] of pods) if (!best || count > best.pods) best = { key: owner, pods: count };
  if (!best || best.pods * 3 < used || entityKeyKind(best.key) === 'ReplicaSet') return undefined;
  // It came after the refused workload, which ran under the quota until then (in a namespace
  // filled all at once, nothing says which of its workloads took the room).
  const refusedSince = Date.parse(state.resource(refused)?.facts?.creationTimestamp ?? '');
  const since = Math.max(root.at - ARRIVAL_WINDOW_MS, Number.isFinite(refusedSince) ? refusedSince + 1 : Number.NEGATIVE_INFINITY);
  const created = Date.parse(state.resource(best.key)?.facts?.creationTimestamp ?? '');
  const arrived = (Number.isFinite(created) && created >= since && created <= root.at) || state.eventsOn(best.key, since, SCALED).some((item) => item.at <= root.at);
  return arrived ? best.key : undefined;
}

import { EVENT_SEMANTICS, EVENT_TYPES, type EventType } from '@tapio/domain';

/** Deliberate changes that can cause trouble. Scaling is routine and never a cause by itself. */
export const CHANGE_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'config_changed',
  'secret_changed',
  'workload_spec_changed',
  'service_changed',
  'network_policy_changed',
  'node_spec_changed',
  'quota_changed',
  'limits_changed',
  'admission_policy_changed',
  'disruption_budget_changed',
]);

export const CONFIG_CHANGE_TYPES: ReadonlySet<EventType> = new Set<EventType>(['config_changed', 'secret_changed']);

/** Failures of a pod's containers. */
export const POD_FAILURE_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'crash_loop',
  'pod_restart',
  'pod_failed',
  'oom_killed',
  'oom_kill',
  'process_crashed',
  'image_pull_failed',
  'pod_not_ready',
  'probe_failed',
  'volume_mount_failed',
  'volume_attach_failed',
]);

export const OOM_TYPES: ReadonlySet<EventType> = new Set<EventType>(['oom_killed', 'oom_kill']);
export const PRESSURE_TYPES: ReadonlySet<EventType> = new Set<EventType>(['memory_pressure', 'disk_pressure', 'pid_pressure']);
export const NODE_TROUBLE_TYPES: ReadonlySet<EventType> = new Set<EventType>(['node_not_ready', 'memory_pressure', 'disk_pressure', 'pid_pressure', 'network_unavailable']);

/** What a node in trouble does to the pods on it. */
export const NODE_VICTIM_TYPES: ReadonlySet<EventType> = new Set<EventType>(['pod_not_ready', 'pod_failed', 'pod_evicted', 'probe_failed']);

export function isFailure(type: EventType): boolean {
  return EVENT_SEMANTICS[type].failure;
}

export function isInteresting(type: EventType): boolean {
  return isFailure(type) || CHANGE_TYPES.has(type);
}

export const MINUTE = 60_000;

/** Failures and changes: what temporal correlation links (an index filter, so routine events are skipped cheaply). */
export const INTERESTING_TYPES: ReadonlySet<EventType> = new Set(EVENT_TYPES.filter(isInteresting));

/**
 * What links events of unrelated workloads that merely share a node: the node's own
 * trouble and the resource contention it causes. Temporal correlation by node looks
 * at these only (pods of other apps restarting on the same node are not related).
 */
export const NODE_SHARED_TYPES: ReadonlySet<EventType> = new Set<EventType>([...NODE_TROUBLE_TYPES, 'oom_killed', 'oom_kill', 'pod_evicted']);

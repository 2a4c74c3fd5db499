import type { EventSummary, EventType } from '../api/types.ts';

/**
 * The rows of an incident's time axis, in causal order: what changed, the rollout it
 * started, the crashes, the endpoints that went away; everything else underneath.
 */
export const LANES = ['change', 'rollout', 'crash', 'endpoints', 'other'] as const;
export type Lane = (typeof LANES)[number];

export const LANE_TITLES: Record<Lane, string> = {
  change: 'Change',
  rollout: 'Rollout',
  crash: 'Crashes',
  endpoints: 'Endpoints',
  other: 'Other signals',
};

const BY_TYPE: Partial<Record<EventType, Lane>> = {
  config_changed: 'change',
  secret_changed: 'change',
  resource_deleted: 'change',
  service_changed: 'change',
  network_policy_changed: 'change',
  node_spec_changed: 'change',
  workload_spec_changed: 'rollout',
  workload_scaled: 'rollout',
  rollout_started: 'rollout',
  rollout_stalled: 'rollout',
  rollout_completed: 'rollout',
  pod_failed: 'crash',
  pod_restart: 'crash',
  crash_loop: 'crash',
  container_killed: 'crash',
  oom_killed: 'crash',
  oom_kill: 'crash',
  process_crashed: 'crash',
  probe_failed: 'crash',
  pod_not_ready: 'crash',
  image_pull_failed: 'crash',
  endpoints_changed: 'endpoints',
  service_unavailable: 'endpoints',
  service_restored: 'endpoints',
  connection_refused: 'endpoints',
};

export function laneOf(event: Pick<EventSummary, 'type'>, rootEventId?: string, eventId?: string): Lane {
  if (rootEventId !== undefined && rootEventId === eventId) return 'change';
  return BY_TYPE[event.type] ?? 'other';
}

import { entityKeyKind, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { CONFIG_CHANGE_TYPES } from '../event-classes.js';

/** Changes to a Service itself that can cut its callers off (a selector or port change, its deletion), or it losing every endpoint. */
const SERVICE_TROUBLE: ReadonlySet<EventType> = new Set<EventType>(['service_changed', 'service_unavailable', 'resource_deleted']);
const DELETION: ReadonlySet<EventType> = new Set<EventType>(['resource_deleted']);
/** Trouble of the pods behind a Service that its callers feel. */
const BACKEND_TROUBLE: ReadonlySet<EventType> = new Set<EventType>(['pod_not_ready', 'crash_loop', 'pod_failed', 'oom_killed', 'pod_evicted', 'volume_attach_failed', 'volume_mount_failed', 'pod_unschedulable', 'pod_pending']);
const READY: ReadonlySet<EventType> = new Set<EventType>(['pod_ready']);
/** A NetworkPolicy that starts selecting the pods behind a Service. */
const POLICY_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['resource_created', 'network_policy_changed']);
/** What breaks a server that keeps running: its rollout or its configuration (cluster DNS serving a broken Corefile). */
const SILENT_BREAKS: ReadonlySet<EventType> = new Set<EventType>(['workload_spec_changed', ...CONFIG_CHANGE_TYPES]);

/** Older than this when first seen, a "created" object was listed (it stood before Tapio looked), not just made. */
const NEWLY_CREATED_SECONDS = 600;

/** A `resource_created` of an object that already existed when the watch began (the starting list): no change at all. */
function listedLongAfterCreation(item: IndexedEvent): boolean {
  const age = Number(item.event.annotations?.['created.age_seconds']);
  return item.event.type === 'resource_created' && Number.isFinite(age) && age > NEWLY_CREATED_SECONDS;
}

/**
 * Events on the callee's side, between `since` and `until`, that can explain a caller's
 * failure: the Service's own change or loss of endpoints (its deletion, while it stays
 * deleted, from any time before); failures of the pods it selects
 * that they have not recovered from;
 * a NetworkPolicy created or changed over them. `silentSince` adds the changes since then that
 * break a server without making it fail (its rollout, its ConfigMaps): asked when the caller's
 * evidence points at that server specifically (failed lookups for cluster DNS), or at a slow
 * server (a timeout: only changes just before count).
 */
export function calleeTrouble(state: CorrelationState, service: string, since: number, until: number, silentSince: number | undefined): IndexedEvent[] {
  const silent = silentSince !== undefined;
  const within = (item: IndexedEvent) => item.at <= until;
  const found = state.eventsOn(service, since, SERVICE_TROUBLE).filter(within);
  // A Service still deleted is trouble however long ago it went: every later call still fails.
  if (state.resource(service)?.deleted && !found.some((item) => item.event.type === 'resource_deleted')) {
    const deletion = state.eventsOn(service, Number.NEGATIVE_INFINITY, DELETION).filter(within).at(-1);
    if (deletion) found.unshift(deletion);
  }
  const pods = state.neighbours(service, 'SELECTS', 'out');
  const owners = new Set<string>();
  const policies = new Set<string>();
  const configs = new Set<string>();
  for (const pod of pods) {
    // Trouble the pod is over by now is not what its callers feel: it became ready since, or the
    // report is history the kubelet repeated about a pod running and ready (`pod.running`).
    const troubles = state.eventsOn(pod, since, BACKEND_TROUBLE).filter((item) => within(item) && item.event.annotations?.['pod.running'] !== 'true');
    if (troubles.length) {
      // Read only for a pod with trouble: most pods behind a Service have none.
      const readyAt = Math.max(Number.NEGATIVE_INFINITY, ...state.eventsOn(pod, since, READY).filter(within).map((item) => item.at));
      found.push(...troubles.filter((item) => item.at >= readyAt));
    }
    owners.add(state.rootOwner(pod));
    for (const policy of state.neighbours(pod, 'APPLIES_TO', 'in')) policies.add(policy);
    if (silent) for (const dependency of state.dependenciesOf(pod)) if (entityKeyKind(dependency) === 'ConfigMap') configs.add(dependency);
  }
  for (const policy of policies) found.push(...state.eventsOn(policy, since, POLICY_CHANGES).filter((item) => within(item) && !listedLongAfterCreation(item)));
  if (silent) {
    for (const owner of owners) found.push(...state.eventsOn(owner, silentSince, SILENT_BREAKS).filter(within));
    for (const config of configs) found.push(...state.eventsOn(config, silentSince, CONFIG_CHANGE_TYPES).filter(within));
  }
  return found.sort((a, b) => a.at - b.at || a.event.id.localeCompare(b.event.id));
}

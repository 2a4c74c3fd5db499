import type { EventType, IndexedEvent } from '@tapio/domain';
import type { WorkingState } from '../state/working-state.js';
import { namedCause } from './named-cause.js';

/** Reports whose messages name the object that stopped a pod (the transformer's `cause.*`). */
const NAMING: ReadonlySet<EventType> = new Set<EventType>(['pod_preempted', 'pod_unschedulable']);

/**
 * Whether a workload's template change only restarted its pods: every changed path is a
 * template annotation (`kubectl rollout restart` sets `kubectl.kubernetes.io/restartedAt`; tools
 * stamp checksums the same way). Nothing in what the pods run changed.
 */
export function isRestartOnly(event: IndexedEvent): boolean {
  if (event.event.type !== 'workload_spec_changed') return false;
  const changes = event.event.kubernetes?.changes ?? [];
  return changes.length > 0 && changes.every((change) => change.path.startsWith('spec.template.annotations.') || change.path.startsWith('spec.annotations.'));
}

/**
 * What a restart revealed: a restart changes nothing the pods run, so when the pods it made
 * were stopped by an object their reports name (a victim's PriorityClass lowered before it was
 * admitted, the workload that took the room a replacement needs), that object is the cause and the restart only the moment it
 * showed. The first such named cause after the restart and up to `until`, other than the
 * workload itself; undefined when none is named (the restart's own doing: a surge that did not
 * fit, a probe that a restart trips).
 */
export function causeRevealedByRestart(state: WorkingState, restart: IndexedEvent, until: number): string | undefined {
  const workload = restart.entityKey;
  if (!workload || !isRestartOnly(restart)) return undefined;
  for (const item of state.eventsOnOwner(workload, restart.at, NAMING)) {
    if (item.at > until || !item.event.annotations?.['cause.kind']) continue;
    const named = namedCause(state, item);
    if (named && named !== workload) return named;
  }
  return undefined;
}

import type { Correlation, CorrelationState, EventType, IndexedEvent } from '@tapio/domain';
import { revokedAccessOf } from '../../state/authorizes.js';
import { MINUTE } from '../event-classes.js';

/** Failures an API call refused can cause: the process exits or stops answering; not an image pull, a mount or a kill. */
const REFUSAL_FAILURES: ReadonlySet<EventType> = new Set<EventType>(['crash_loop', 'pod_restart', 'pod_failed', 'pod_not_ready', 'probe_failed']);

/**
 * A pod failing shortly after RBAC access its ServiceAccount had was taken away (a rule out of
 * its role, its binding deleted, it out of the binding's subjects) was CAUSED by that change,
 * when it was healthy before it: the pod's calls to the API server are refused from then on.
 * RBAC changes are few, so every one in the window is looked at.
 */
export function permissionCauses(indexed: IndexedEvent, state: CorrelationState, correlator: string, windowMs: number, failingBefore: (at: number) => boolean): Correlation[] {
  const { event, at, entityKey } = indexed;
  if (!entityKey || !REFUSAL_FAILURES.has(event.type)) return [];
  let latest: IndexedEvent | undefined;
  for (const change of state.eventsOfType('permission_changed', at - windowMs)) {
    if (change.at <= at && (!latest || change.at >= latest.at) && revokedAccessOf(state, change, entityKey)) latest = change;
  }
  if (!latest || failingBefore(latest.at)) return [];
  const seconds = Math.round((at - latest.at) / 1000);
  return [
    {
      kind: 'CAUSED',
      fromEventId: latest.event.id,
      toEventId: event.id,
      confidence: 0.75,
      reason: `runs as a ServiceAccount whose access ${latest.event.entity?.kind ?? 'an RBAC change'} ${latest.event.entity?.name ?? ''} took away ${seconds < 60 ? `${seconds}s` : `${Math.round((at - latest.at) / MINUTE)}m`} before this failure`,
      correlator,
    },
  ];
}

import { entityKey, parseEntityKey, type Correlation, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { serviceAccountOf } from '../../state/authorizes.js';
import { MINUTE } from '../event-classes.js';

const ACCOUNT_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['resource_updated']);
const PULL_FAILURES: ReadonlySet<EventType> = new Set<EventType>(['image_pull_failed']);
/** What a registry answers a pull without valid credentials. */
const REFUSED = /[Uu]nauthorized|403 Forbidden|authentication required|[Aa]ccess denied|denied: requested access|failed to authorize|no basic auth credentials/;
const PULL_CREDENTIALS = /imagePullSecrets/;
const WINDOW_MS = 120 * MINUTE;

/**
 * A pull the registry refused for its credentials (this report, or one of the pod's in the ten
 * minutes before) was CAUSED by the pod's ServiceAccount losing
 * (or changing) its imagePullSecrets within the two hours before: every pod created as that
 * account since gets the changed list. The rollout that made the pod only revealed it.
 */
export function pullCredentialCause(indexed: IndexedEvent, state: CorrelationState, correlator: string): Correlation[] {
  const { event, at, entityKey: pod } = indexed;
  if (!pod || event.type !== 'image_pull_failed') return [];
  // The kubelet's own lines ("Error: ErrImagePull", the back-off) do not repeat why: the pod's pull failures of the last minutes do.
  if (!REFUSED.test(event.message) && !state.eventsOn(pod, at - 10 * MINUTE, PULL_FAILURES).some((item) => item.at <= at && REFUSED.test(item.event.message))) return [];
  const account = serviceAccountOf(state, pod);
  if (!account) return [];
  const cluster = parseEntityKey(pod)?.cluster;
  const key = entityKey({ kind: 'ServiceAccount', name: account.name, namespace: account.namespace, ...(cluster ? { cluster } : {}) });
  const change = state.eventsOn(key, at - WINDOW_MS, ACCOUNT_CHANGES).filter((item) => item.at <= at && PULL_CREDENTIALS.test(item.event.message)).at(-1);
  if (!change) return [];
  return [
    {
      kind: 'CAUSED',
      fromEventId: change.event.id,
      toEventId: event.id,
      confidence: 0.8,
      reason: `it runs as ServiceAccount ${account.namespace}/${account.name}, whose pull credentials changed ${Math.round((at - change.at) / MINUTE)}m before the registry refused it`,
      correlator,
    },
  ];
}

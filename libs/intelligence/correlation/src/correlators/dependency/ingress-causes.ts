import { entityKey, parseEntityKey, type Correlation, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { MINUTE } from '../event-classes.js';

const UNAVAILABLE: ReadonlySet<EventType> = new Set<EventType>(['service_unavailable']);
/** What breaks a route by naming: the Ingress's own edit (or creation), the Service's or Secret's change or deletion. */
const INGRESS_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['resource_updated', 'resource_created']);
const SERVICE_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['service_changed', 'resource_deleted']);
const SECRET_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['secret_changed', 'resource_deleted']);

const WINDOW_MS = 30 * MINUTE;

function ago(ms: number): string {
  return ms < MINUTE ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / MINUTE)}m`;
}

/**
 * What made users entering through an Ingress fail (`ingress_backend_unavailable`, whose
 * annotations name the route, the problem and the Service or TLS Secret), each a CAUSED edge
 * into it: the backend Service losing its last ready endpoint (whose own causes, a selector
 * edit or a workload scaled to 0, the dependency correlator links in turn); for a Service,
 * port or Secret that does not exist, whichever came last of the Ingress's own edit and the
 * Service's (Secret's) change or deletion. The causal walk then roots the incident at the
 * real cause, not at the entry point.
 */
export function ingressCauses(indexed: IndexedEvent, state: CorrelationState, correlator: string): Correlation[] {
  const { event, at, entityKey: ingress } = indexed;
  const ref = ingress ? parseEntityKey(ingress) : undefined;
  const annotations = event.annotations ?? {};
  if (!ingress || ref?.kind !== 'Ingress' || !ref.namespace) return [];
  const since = at - WINDOW_MS;
  const route = annotations['ingress.route'] ?? 'the Ingress';
  const before = (item: IndexedEvent) => item.at <= at && item.event.id !== event.id;
  const latest = (key: string, types: ReadonlySet<EventType>) => state.eventsOn(key, since, types).filter(before).pop();
  const edge = (from: IndexedEvent, confidence: number, reason: string): Correlation => ({ kind: 'CAUSED', fromEventId: from.event.id, toEventId: event.id, confidence, reason, correlator });
  const [namespace, name] = (annotations['ingress.service'] ?? annotations['ingress.secret'] ?? '').split('/');
  if (!namespace || !name) return [];
  const cluster = ref.cluster ? { cluster: ref.cluster } : {};
  const problem = annotations['ingress.problem'];
  if (problem === 'no-ready-endpoint') {
    const service = entityKey({ kind: 'Service', name, namespace, ...cluster });
    const lost = latest(service, UNAVAILABLE);
    return lost ? [edge(lost, 0.9, `users entering through ${route} reach Service ${namespace}/${name}, which lost its last ready endpoint ${ago(at - lost.at)} earlier`)] : [];
  }
  const target = problem === 'tls-secret-missing' ? entityKey({ kind: 'Secret', name, namespace, ...cluster }) : entityKey({ kind: 'Service', name, namespace, ...cluster });
  const own = latest(ingress, INGRESS_CHANGES);
  const theirs = latest(target, problem === 'tls-secret-missing' ? SECRET_CHANGES : SERVICE_CHANGES);
  // The later of the two broke the route: an Ingress edited to a name that never existed, or a Service renamed under it.
  if (theirs && (!own || theirs.at > own.at)) return [edge(theirs, 0.85, `${theirs.event.message} (${ago(at - theirs.at)} earlier); the Ingress routes ${route} to it`)];
  return own ? [edge(own, 0.85, `the Ingress itself changed ${ago(at - own.at)} earlier: ${own.event.message}`)] : [];
}

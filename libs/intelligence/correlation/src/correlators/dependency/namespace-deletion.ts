import { entityKey, parseEntityKey, type Correlation, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { MINUTE } from '../event-classes.js';
import { latestOf } from '../../state/state-walks.js';

const NAMESPACE_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['resource_updated']);

/**
 * A Service that lost its endpoints while its namespace is being deleted (the kubeapi
 * transformer says so: `lifecycle: planned`) lost them to that deletion: TRIGGERED by the
 * namespace turning Terminating. Its own outage is planned, but its callers in other
 * namespaces fail for real, and the walk from their trouble should end at the deletion, not
 * at a Service nobody changed.
 */
export function namespaceDeletion(indexed: IndexedEvent, serviceKey: string, state: CorrelationState, correlator: string): Correlation[] {
  const { event, at } = indexed;
  if (event.type !== 'service_unavailable' || event.annotations?.['lifecycle'] !== 'planned') return [];
  const service = parseEntityKey(serviceKey);
  if (!service?.namespace) return [];
  const namespaceKey = entityKey({ kind: 'Namespace', name: service.namespace, ...(service.cluster ? { cluster: service.cluster } : {}) });
  const terminating = latestOf(state, 'entity', namespaceKey, at - 15 * MINUTE, NAMESPACE_CHANGES, (item) => item.at <= at && item.event.kubernetes?.object?.phase === 'Terminating');
  if (!terminating) return [];
  return [{ kind: 'TRIGGERED', fromEventId: terminating.event.id, toEventId: event.id, confidence: 0.85, reason: `namespace ${service.namespace} is being deleted, and everything in it with it`, correlator }];
}

/**
 * An object deleted while its namespace is terminating (a Service, a ConfigMap, a Deployment)
 * was deleted with it: TRIGGERED by the namespace turning Terminating, so a walk from what
 * needed the object (callers of the deleted Service) ends at the namespace's deletion.
 */
export function deletedWithNamespace(indexed: IndexedEvent, state: CorrelationState, correlator: string): Correlation[] {
  const { event, at, entityKey: key } = indexed;
  const ref = key ? parseEntityKey(key) : undefined;
  if (event.type !== 'resource_deleted' || !ref?.namespace || ref.kind === 'Namespace') return [];
  const namespaceKey = entityKey({ kind: 'Namespace', name: ref.namespace, ...(ref.cluster ? { cluster: ref.cluster } : {}) });
  const terminating = latestOf(state, 'entity', namespaceKey, at - 15 * MINUTE, NAMESPACE_CHANGES, (item) => item.at <= at && item.event.kubernetes?.object?.phase === 'Terminating');
  if (!terminating) return [];
  return [{ kind: 'TRIGGERED', fromEventId: terminating.event.id, toEventId: event.id, confidence: 0.9, reason: `deleted with namespace ${ref.namespace}`, correlator }];
}

import { entityKey as keyOf, parseEntityKey, type Correlation, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { MINUTE } from '../event-classes.js';
import { latestOf } from '../../state/state-walks.js';
import { matchesServiceSelector } from '../../topology/label-selector.js';

const NODE_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['node_spec_changed']);
const DISRUPTIONS: ReadonlySet<EventType> = new Set<EventType>(['pod_disrupted']);
/** The reason the pod's DisruptionTarget condition gives when the taint manager deletes it. */
export const TAINT_EVICTION = 'DeletionByTaintManager';

/** Whether a node's change added a NoExecute taint (what makes the taint manager evict). */
function addsNoExecute(item: IndexedEvent): boolean {
  return item.event.kubernetes?.changes?.some((change) => change.op === 'added' && change.path.startsWith('spec.taints.') && change.path.endsWith(':NoExecute')) === true;
}

/**
 * A pod the taint manager deletes (`pod_disrupted`, DeletionByTaintManager) was CAUSED by the
 * NoExecute taint its node got within the 10 minutes before: someone tainted the node, and every
 * pod that does not tolerate it goes at once. Not planned maintenance: a drain evicts through
 * the eviction API and cordons first.
 */
export function taintEvictionCause(indexed: IndexedEvent, state: CorrelationState, correlator: string): Correlation[] {
  const { event, at, entityKey } = indexed;
  if (event.kubernetes?.reason !== TAINT_EVICTION || !entityKey) return [];
  const node = state.nodeNameOf(entityKey) ?? event.k8sContext?.nodeName;
  if (!node) return [];
  const cluster = parseEntityKey(entityKey)?.cluster;
  const nodeKey = keyOf({ kind: 'Node', name: node, ...(cluster ? { cluster } : {}) });
  const taint = latestOf(state, 'entity', nodeKey, at - 10 * MINUTE, NODE_CHANGES, (item) => item.at <= at && addsNoExecute(item));
  if (!taint) return [];
  return [{ kind: 'CAUSED', fromEventId: taint.event.id, toEventId: event.id, confidence: 0.85, reason: `Node ${node} got a NoExecute taint the pod does not tolerate ${Math.round((at - taint.at) / 1000)}s earlier`, correlator }];
}

/**
 * A Service that lost its endpoints because the taint manager deleted the pods it selects:
 * TRIGGERED by those deletions (the last one before it, within two minutes). The pods are
 * matched by the Service's selector on the labels their events carry: a pod being deleted may
 * already have left the Service's SELECTS edges.
 */
export function taintEvictionsOf(indexed: IndexedEvent, serviceKey: string, state: CorrelationState, correlator: string): Correlation[] {
  const namespace = parseEntityKey(serviceKey)?.namespace;
  const selector = state.resource(serviceKey)?.facts?.serviceSelector;
  if (!namespace || !selector) return [];
  const evictions = state
    .eventsInNamespace(namespace, indexed.at - 2 * MINUTE, DISRUPTIONS)
    .filter((item) => item.at <= indexed.at && item.event.kubernetes?.reason === TAINT_EVICTION && matchesServiceSelector(item.event.k8sContext?.labels, selector));
  const last = evictions[evictions.length - 1];
  if (!last) return [];
  return [{ kind: 'TRIGGERED', fromEventId: last.event.id, toEventId: indexed.event.id, confidence: 0.8, reason: `the taint manager deleted the pods the Service selects (${evictions.length})`, correlator }];
}

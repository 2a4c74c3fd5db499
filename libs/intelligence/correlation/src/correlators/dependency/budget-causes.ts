import { entityKey, entityKeyKind, parseEntityKey, type Correlation, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { MINUTE, POD_FAILURE_TYPES } from '../event-classes.js';
import { latestScaleDown } from './budget-scale-downs.js';

const BUDGET_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['disruption_budget_changed']);
/** A pod taken down on purpose or removed: what a drain does to the pods it empties the node of. */
const TAKEN_DOWN: ReadonlySet<EventType> = new Set<EventType>(['pod_disrupted', 'resource_deleted', 'pod_evicted']);
const CORDONS: ReadonlySet<EventType> = new Set<EventType>(['node_cordoned']);

const WINDOW_MS = 30 * MINUTE;

function ago(ms: number): string {
  return ms < MINUTE ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / MINUTE)}m`;
}

/**
 * What made a PodDisruptionBudget violated (fewer healthy pods than it requires), each a
 * CAUSED edge into the violation: the budget's own change before it (a minAvailable raised
 * above what can be healthy); the drain of a node (its cordon) that took pods the budget
 * protects; the first failure of a protected pod (a crash, a failed probe). The causal walk
 * takes the earliest, so the root is the change, the drained Node, or what broke the pods.
 */
export function budgetCauses(indexed: IndexedEvent, state: CorrelationState, correlator: string): Correlation[] {
  const { event, at, entityKey: budget } = indexed;
  const ref = budget ? parseEntityKey(budget) : undefined;
  if (!budget || ref?.kind !== 'PodDisruptionBudget' || !ref.namespace) return [];
  const since = at - WINDOW_MS;
  const edge = (from: IndexedEvent, confidence: number, reason: string): Correlation => ({ kind: 'CAUSED', fromEventId: from.event.id, toEventId: event.id, confidence, reason, correlator });
  const edges: Correlation[] = [];
  const protectedPod = (item: IndexedEvent) => item.at <= at && entityKeyKind(item.entityKey ?? '') === 'Pod' && state.related(budget, item.entityKey, 'governs');
  const takenDown = state.eventsInNamespace(ref.namespace, since, TAKEN_DOWN).filter(protectedPod);
  const changes = state.eventsOn(budget, since, BUDGET_CHANGES).filter((item) => item.at <= at);
  const change = changes[changes.length - 1];
  const scaleDown = latestScaleDown(state, budget, at, since, takenDown);
  // The budget and the replicas it protects each changed: the later edit made them disagree.
  if (change && (!scaleDown || change.at > scaleDown.scaled.at)) edges.push(edge(change, 0.85, `the budget itself changed ${ago(at - change.at)} earlier (${change.event.message})`));
  else if (scaleDown) edges.push(edge(scaleDown.cause, 0.85, `${scaleDown.reason} (${ago(at - scaleDown.cause.at)} earlier)`));
  const drained = new Map<string, { cordon: IndexedEvent; pods: Set<string> }>();
  for (const item of takenDown) {
    const node = state.nodeNameOf(item.entityKey as string) ?? item.event.k8sContext?.nodeName;
    if (!node) continue;
    const nodeKey = entityKey({ kind: 'Node', name: node, ...(ref.cluster ? { cluster: ref.cluster } : {}) });
    const cordons = state.eventsOn(nodeKey, since, CORDONS).filter((cordon) => cordon.at <= item.at);
    const cordon = cordons[cordons.length - 1];
    if (!cordon) continue;
    const known = drained.get(node) ?? { cordon, pods: new Set<string>() };
    known.pods.add(parseEntityKey(item.entityKey as string)?.name ?? '');
    drained.set(node, known);
  }
  for (const [node, { cordon, pods }] of drained) {
    edges.push(edge(cordon, 0.8, `the drain of Node ${node} (cordoned ${ago(at - cordon.at)} earlier) took pods the budget protects: ${[...pods].sort().join(', ')}`));
  }
  const failures = state.eventsInNamespace(ref.namespace, since, POD_FAILURE_TYPES).filter(protectedPod);
  const first = failures[0];
  if (first) edges.push(edge(first, 0.7, `a pod the budget protects failed ${ago(at - first.at)} earlier (${first.event.type.replace(/_/g, ' ')})`));
  return edges;
}

import { entityKey, formatEntity, entityKeyKind, parseEntityKey, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { MINUTE } from '../event-classes.js';
import { replicasLowered, SCALED } from '../scale-change.js';
import { matchesSelector } from '../../topology/label-selector.js';

/** What an autoscaler does to a workload's replicas: its own rescale (SuccessfulRescale) or an edit of its bounds. */
const AUTOSCALER_MOVES: ReadonlySet<EventType> = new Set<EventType>(['workload_scaled', 'autoscaler_changed']);
const SCALABLE_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);
/** An autoscaler's move this long before the workload's scale-down is what made it. */
const AUTOSCALER_LEAD_MS = 5 * MINUTE;

/** A workload's replica count lowered (its spec.replicas edit, as the watch diffs it) and what lowered it. */
export interface ScaleDown {
  /** The event to blame: the autoscaler's move when one made the scale-down, else the workload's own edit. */
  cause: IndexedEvent;
  /** The workload's spec.replicas edit. */
  scaled: IndexedEvent;
  reason: string;
}

function budgetBound(state: CorrelationState, budget: string): string {
  const facts = state.resource(budget)?.facts?.disruptionBudget;
  if (facts?.minAvailable !== undefined) return `minAvailable ${facts.minAvailable}`;
  if (facts?.maxUnavailable !== undefined) return `maxUnavailable ${facts.maxUnavailable}`;
  return facts ? `${facts.desiredHealthy} healthy pods` : 'more healthy pods';
}

/**
 * Whether the budget protects the workload's pods: a pod it protected and that was taken down
 * was the workload's (its owner chain, or the owner its deletion named), or the budget's
 * selector matches the labels the workload selects its pods by.
 */
function protectsPodsOf(state: CorrelationState, budget: string, workload: string, takenDown: readonly IndexedEvent[]): boolean {
  for (const item of takenDown) {
    const key = item.entityKey as string;
    if (state.ownerChain(key).includes(workload)) return true;
    const ref = parseEntityKey(key);
    for (const owner of item.event.kubernetes?.object?.ownerReferences ?? []) {
      const ownerKey = entityKey({ kind: owner.kind, name: owner.name, namespace: ref?.namespace ?? null, ...(ref?.cluster ? { cluster: ref.cluster } : {}) });
      if (ownerKey === workload || state.ownerChain(ownerKey).includes(workload)) return true;
    }
  }
  const selector = state.resource(budget)?.facts?.selector;
  const podLabels = state.resource(workload)?.facts?.selector?.matchLabels;
  return selector !== undefined && podLabels !== undefined && Object.keys(podLabels).length > 0 && matchesSelector(podLabels, selector);
}

/**
 * The latest scale-down, within the window, of a workload whose pods the budget protects:
 * "Deployment shop/checkout scaled 3 -> 1 while PodDisruptionBudget shop/checkout requires
 * minAvailable 2". When a HorizontalPodAutoscaler that scales that workload moved within 5
 * minutes before (its rescale, or its bounds edited), the autoscaler is the cause: the
 * workload's edit was its doing.
 */
export function latestScaleDown(state: CorrelationState, budget: string, at: number, since: number, takenDown: readonly IndexedEvent[]): ScaleDown | undefined {
  const namespace = parseEntityKey(budget)?.namespace;
  if (!namespace) return undefined;
  let latest: { item: IndexedEvent; workload: string; before: number; after: number } | undefined;
  for (const item of state.eventsInNamespace(namespace, since, SCALED)) {
    const workload = item.entityKey;
    if (!workload || item.at > at || !SCALABLE_KINDS.has(entityKeyKind(workload) ?? '')) continue;
    const lowered = replicasLowered(item);
    if (lowered && (!latest || item.at >= latest.item.at) && protectsPodsOf(state, budget, workload, takenDown)) latest = { item, workload, ...lowered };
  }
  if (!latest) return undefined;
  const budgetRef = parseEntityKey(budget);
  const workloadRef = parseEntityKey(latest.workload);
  if (!budgetRef || !workloadRef) return undefined;
  const requires = `while ${formatEntity(budgetRef)} requires ${budgetBound(state, budget)}`;
  const scaledText = `${formatEntity(workloadRef)} scaled ${latest.before} -> ${latest.after}`;
  const autoscaler = autoscalerMove(state, latest.workload, latest.item.at, workloadRef.namespace ?? undefined);
  if (autoscaler) {
    const hpa = parseEntityKey(autoscaler.entityKey as string);
    return { cause: autoscaler, scaled: latest.item, reason: `${hpa ? formatEntity(hpa) : 'its autoscaler'} scaled it down (${autoscaler.event.message}): ${scaledText} ${requires}` };
  }
  return { cause: latest.item, scaled: latest.item, reason: `${scaledText} ${requires}` };
}

/** The latest move of an autoscaler that scales `workload`, up to 5 minutes before its scale-down (or in the same second). */
function autoscalerMove(state: CorrelationState, workload: string, scaledAt: number, namespace: string | undefined): IndexedEvent | undefined {
  if (!namespace) return undefined;
  const moves = state
    .eventsInNamespace(namespace, scaledAt - AUTOSCALER_LEAD_MS, AUTOSCALER_MOVES)
    .filter((item) => item.at <= scaledAt && entityKeyKind(item.entityKey ?? '') === 'HorizontalPodAutoscaler' && state.related(item.entityKey, workload, 'governs'));
  return moves[moves.length - 1];
}

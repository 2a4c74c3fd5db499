import type { K8sObjectFacts } from '@tapio/domain';
import { arr, obj, str, type Json } from './k8s-object.js';
import type { Signal } from './signal.js';

/** The taint cluster-autoscaler puts on a node it is about to delete (scale-down). */
export const AUTOSCALER_TAINT = 'ToBeDeletedByClusterAutoscaler';

/**
 * Why a node is being taken out of service on purpose, or undefined: `kubectl drain` and
 * `kubectl cordon` set spec.unschedulable (the node then carries the
 * node.kubernetes.io/unschedulable taint); cluster-autoscaler taints a node it scales down.
 */
export function plannedReason(facts: K8sObjectFacts | undefined): string | undefined {
  if (!facts) return undefined;
  if ((facts.taints ?? []).some((taint) => taint.startsWith(`${AUTOSCALER_TAINT}`))) return 'cluster-autoscaler scale-down';
  if (facts.unschedulable === true || (facts.taints ?? []).some((taint) => taint.startsWith('node.kubernetes.io/unschedulable'))) return 'cordoned';
  return undefined;
}

/** A node entering or leaving planned maintenance: cordon / autoscaler taint set or removed. */
export function cordonSignals(previous: K8sObjectFacts | undefined, facts: K8sObjectFacts): Signal[] {
  const before = plannedReason(previous);
  const after = plannedReason(facts);
  if (before === after) return [];
  const annotations = { lifecycle: 'planned' };
  if (after) {
    return [{ type: 'node_cordoned', key: `planned:${after}`, severity: 'info', message: `Node ${facts.name} taken out of service on purpose (${after}): no new pods are placed on it`, kubernetes: { reason: after }, annotations }];
  }
  if (!previous) return [];
  return [{ type: 'node_uncordoned', key: 'planned:done', severity: 'info', message: `Node ${facts.name} accepts pods again (${before} undone)`, kubernetes: { reason: 'uncordoned' }, annotations }];
}

/** What PlannedNodes keeps of one node, as plain JSON for a durable store. */
export interface PlannedNodeState {
  /** Why the node is out of service on purpose, while it is. */
  reason?: string;
  /** When (event time, ms) it last left planned maintenance. */
  released?: number;
}

/**
 * How long after an uncordon the scheduler may still report the cordon's taint, by default
 * (tapio.yaml `lifecycle.uncordonGrace`).
 */
export const DEFAULT_UNCORDON_GRACE_MS = 60_000;

/**
 * Planned lifecycle state of each node, so that signals about it and its pods can say
 * "planned". Durable with the transformer's other state (entries `p|cluster|node`, see
 * kubeapi-state.ts): a restart in the middle of a drain still knows the drain is planned,
 * so the node's NotReady that follows is maintenance, not an outage.
 */
export class PlannedNodes {
  private readonly nodes = new Map<string, PlannedNodeState>();
  private readonly dirty = new Set<string>();
  private tracking = false;

  /** `graceMs`: how long after an uncordon a taint refusal about the node is still the cordon's (tapio.yaml `lifecycle.uncordonGrace`). */
  constructor(private readonly graceMs = DEFAULT_UNCORDON_GRACE_MS) {}

  observe(cluster: string, facts: K8sObjectFacts, deleted: boolean, at = 0): void {
    const key = `${cluster}|${facts.name}`;
    const reason = deleted ? undefined : plannedReason(facts);
    const before = this.nodes.get(key);
    let after: PlannedNodeState | undefined;
    // A deleted node is forgotten; a cordoned one keeps when it was last released (the taint may still linger from then).
    if (deleted) after = undefined;
    else if (reason) after = { reason, ...(before?.released !== undefined ? { released: before.released } : {}) };
    else if (before?.reason !== undefined) after = { released: at };
    else after = before?.released !== undefined && at - before.released <= this.graceMs ? before : undefined;
    if (before?.reason === after?.reason && before?.released === after?.released) return;
    if (after) this.nodes.set(key, after);
    else this.nodes.delete(key);
    if (this.tracking) this.dirty.add(key);
  }

  /** Nodes changed since the last call, with their state now (undefined: nothing to keep). */
  changes(): Array<[string, PlannedNodeState | undefined]> {
    const changed = [...this.dirty].map((key): [string, PlannedNodeState | undefined] => [key, this.nodes.get(key)]);
    this.dirty.clear();
    return changed;
  }

  /** A node's state a durable store kept (key `cluster|node`; '' only starts tracking); from now on changes are tracked. */
  restore(key: string, state: PlannedNodeState | undefined): void {
    this.tracking = true;
    if (!key || !state || typeof state !== 'object') return;
    const kept: PlannedNodeState = {
      ...(typeof state.reason === 'string' ? { reason: state.reason } : {}),
      ...(typeof state.released === 'number' ? { released: state.released } : {}),
    };
    if (kept.reason !== undefined || kept.released !== undefined) this.nodes.set(key, kept);
  }

  /**
   * Whether a node of the cluster left maintenance within the grace (a minute by default) before `at`: an
   * "untolerated taint(s)" refusal right after an uncordon is the cordon's taint not yet gone.
   */
  justReleased(cluster: string, at: number): boolean {
    const prefix = `${cluster}|`;
    return [...this.nodes].some(([key, state]) => key.startsWith(prefix) && state.released !== undefined && at >= state.released && at - state.released <= this.graceMs);
  }

  reason(cluster: string, node: string | undefined): string | undefined {
    return node === undefined ? undefined : this.nodes.get(`${cluster}|${node}`)?.reason;
  }

  /** Any node of the cluster under planned maintenance (the scheduler's messages do not name it). */
  anyCordoned(cluster: string): string | undefined {
    const prefix = `${cluster}|`;
    const names = [...this.nodes].filter(([key, state]) => key.startsWith(prefix) && state.reason !== undefined).map(([key]) => key.slice(prefix.length)).sort();
    return names[0];
  }
}

function condition(object: Json, type: string): Json | undefined {
  return arr(obj(object['status'])['conditions']).find((item) => item['type'] === type);
}

/**
 * An autoscaler that wants more replicas than its maxReplicas allows (ScalingLimited True,
 * TooManyReplicas; or current replicas at the maximum while limited): more load than the
 * bounds let it absorb. Said when it starts, and at first sight when it is already so.
 */
export function hpaSignals(previous: K8sObjectFacts | undefined, facts: K8sObjectFacts, object: Json): Signal[] {
  const limited = condition(object, 'ScalingLimited');
  const atMax = limited?.['status'] === 'True' && (str(limited['reason']) === 'TooManyReplicas' || (facts.maxReplicas !== undefined && (facts.readyReplicas ?? 0) >= facts.maxReplicas));
  const wasAtMax = previous?.conditions?.['ScalingLimited'] === 'True' && previous.conditions['ScalingLimitedReason'] === 'TooManyReplicas';
  if (!atMax || wasAtMax) return [];
  const name = `${facts.namespace ?? ''}/${facts.name}`;
  const target = facts.scaleTarget ? ` ${facts.scaleTarget.kind} ${facts.scaleTarget.name}` : '';
  return [
    {
      type: 'hpa_at_max',
      key: `hpa:max:${facts.maxReplicas ?? '?'}`,
      message: `HorizontalPodAutoscaler ${name} is pinned at its maximum of ${facts.maxReplicas ?? '?'} replicas for${target}${limited?.['message'] ? ` (${String(limited['message'])})` : ''}`,
      kubernetes: { reason: 'TooManyReplicas' },
      annotations: { 'hpa.max_replicas': String(facts.maxReplicas ?? '') },
    },
  ];
}

/** HPA conditions as facts, with ScalingLimited's reason, so the next version knows whether it was already at max. */
export function hpaConditions(object: Json): Record<string, string> | undefined {
  const result: Record<string, string> = {};
  for (const item of arr(obj(object['status'])['conditions'])) {
    const type = str(item['type']);
    const status = str(item['status']);
    if (type && status) result[type] = status;
    if (type === 'ScalingLimited' && str(item['reason'])) result['ScalingLimitedReason'] = str(item['reason']) as string;
  }
  return Object.keys(result).length ? result : undefined;
}

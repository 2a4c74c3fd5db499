import type { K8sObjectFacts } from '@tapio/domain';
import { arr, obj, str, type Json } from './k8s-object.js';
import type { Signal } from './signal.js';
import { causeAnnotations } from './cause-messages.js';
import { labelsLost, stillLost } from './node-labels.js';

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
  /** The taints someone put on it that keep pods off (NoSchedule, NoExecute), while it carries them. */
  tainted?: string[];
  /** When (event time, ms) one of them was added while Tapio watched (absent: they were there when first seen). */
  taintedAt?: number;
  /** The `key=value` labels it lost while Tapio watched (removed or given another value), while it still lacks them. */
  unlabeled?: string[];
  /** When (event time, ms) it last lost one of them. */
  unlabeledAt?: number;
}

/** Taint keys Kubernetes, its cloud providers and autoscalers set themselves: conditions, cordons, scale-downs, roles. */
const SYSTEM_TAINT = /^(node\.kubernetes\.io\/|node\.cloudprovider\.kubernetes\.io\/|node-role\.kubernetes\.io\/|ToBeDeletedByClusterAutoscaler|DeletionCandidateOfClusterAutoscaler)/;

/** The taints on a node (facts: `key[=value]:Effect`) that someone put there to keep pods off it. */
export function userTaints(facts: K8sObjectFacts | undefined): string[] {
  return (facts?.taints ?? []).filter((taint) => /:(NoSchedule|NoExecute)$/.test(taint) && !SYSTEM_TAINT.test(taint));
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

  /** `previous`: the node's facts before this version (undefined at first sight: its taints were not added now). */
  observe(cluster: string, facts: K8sObjectFacts, deleted: boolean, at = 0, previous?: K8sObjectFacts): void {
    const key = `${cluster}|${facts.name}`;
    const before = this.nodes.get(key);
    // A deleted node is forgotten.
    const after = deleted ? undefined : this.next(before, facts, at, previous);
    if (sameState(before, after)) return;
    if (after) this.nodes.set(key, after);
    else this.nodes.delete(key);
    if (this.tracking) this.dirty.add(key);
  }

  private next(before: PlannedNodeState | undefined, facts: K8sObjectFacts, at: number, previous: K8sObjectFacts | undefined): PlannedNodeState | undefined {
    const reason = plannedReason(facts);
    // A cordoned node keeps when it was last released (the taint may still linger from then).
    let released: number | undefined;
    if (reason) released = before?.released;
    else if (before?.reason !== undefined) released = at;
    else if (before?.released !== undefined && at - before.released <= this.graceMs) released = before.released;
    const tainted = userTaints(facts);
    const was = new Set(userTaints(previous));
    const added = previous !== undefined && tainted.some((taint) => !was.has(taint));
    const taintedAt = tainted.length === 0 ? undefined : added ? at : before?.taintedAt;
    const lost = labelsLost(previous, facts);
    const unlabeled = stillLost(before?.unlabeled, lost, facts);
    const unlabeledAt = unlabeled.length === 0 ? undefined : lost.length ? at : before?.unlabeledAt;
    const state: PlannedNodeState = {
      ...(reason ? { reason } : {}),
      ...(released !== undefined ? { released } : {}),
      ...(tainted.length ? { tainted } : {}),
      ...(taintedAt !== undefined ? { taintedAt } : {}),
      ...(unlabeled.length ? { unlabeled } : {}),
      ...(unlabeledAt !== undefined ? { unlabeledAt } : {}),
    };
    return Object.keys(state).length ? state : undefined;
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
      ...(isStrings(state.tainted) ? { tainted: state.tainted } : {}),
      ...(typeof state.taintedAt === 'number' ? { taintedAt: state.taintedAt } : {}),
      ...(isStrings(state.unlabeled) ? { unlabeled: state.unlabeled } : {}),
      ...(typeof state.unlabeledAt === 'number' ? { unlabeledAt: state.unlabeledAt } : {}),
    };
    if (Object.keys(kept).length) this.nodes.set(key, kept);
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

  /** The node of the cluster whose taints someone added last while Tapio watched, still carrying them. */
  lastTainted(cluster: string): string | undefined {
    return this.latest(cluster, (state) => (state.tainted === undefined ? undefined : state.taintedAt));
  }

  /** The node of the cluster that lost labels last while Tapio watched, still lacking them. */
  lastUnlabeled(cluster: string): string | undefined {
    return this.latest(cluster, (state) => (state.unlabeled === undefined ? undefined : state.unlabeledAt));
  }

  /** The node of the cluster with the latest time `timeOf` gives (the first by name on a tie). */
  private latest(cluster: string, timeOf: (state: PlannedNodeState) => number | undefined): string | undefined {
    const prefix = `${cluster}|`;
    let found: [string, number] | undefined;
    for (const [key, state] of this.nodes) {
      const at = key.startsWith(prefix) ? timeOf(state) : undefined;
      if (at === undefined) continue;
      if (!found || at > found[1] || (at === found[1] && key < found[0])) found = [key, at];
    }
    return found?.[0].slice(prefix.length);
  }

  /**
   * What a refusal blocked by a node's state (`blocked`, read from the scheduler's message,
   * which names no node) says of the node: the one being maintained, the one someone tainted
   * last, or the one that lost labels last, with what the message leaves out (which taint or
   * label, since when). A taint or selector refusal that no change seen while Tapio watched
   * explains (a toleration the pod's release dropped, a selector on a label no node ever had, a
   * taint that was always there) is not said to be a node's: nothing.
   */
  schedulingCause(cluster: string, mark: string | undefined): { annotations: Record<string, string>; note?: string } {
    const blocked = mark === 'taint-or-labels' ? this.lastNodeChange(cluster) : mark;
    if (blocked !== 'cordon' && blocked !== 'taint' && blocked !== 'labels') return { annotations: {} };
    const node = blocked === 'cordon' ? this.anyCordoned(cluster) : blocked === 'taint' ? this.lastTainted(cluster) : this.lastUnlabeled(cluster);
    if (!node) return { annotations: blocked === 'cordon' ? { 'scheduling.blocked_by': 'cordon' } : {} };
    const annotations = { 'scheduling.blocked_by': blocked, ...causeAnnotations({ kind: 'Node', name: node }) };
    if (blocked === 'cordon') return { annotations };
    return { annotations, note: this.changeNote(cluster, node, blocked) };
  }

  /** Whether a node was tainted or lost labels last (a refusal for both names that change); undefined when neither was seen. */
  private lastNodeChange(cluster: string): 'taint' | 'labels' | undefined {
    const tainted = this.lastTainted(cluster);
    const unlabeled = this.lastUnlabeled(cluster);
    if (!tainted || !unlabeled) return tainted ? 'taint' : unlabeled ? 'labels' : undefined;
    const taintedAt = this.nodes.get(`${cluster}|${tainted}`)?.taintedAt ?? 0;
    const unlabeledAt = this.nodes.get(`${cluster}|${unlabeled}`)?.unlabeledAt ?? 0;
    return taintedAt > unlabeledAt ? 'taint' : 'labels';
  }

  /** "Node n tainted k=v:NoSchedule at <time>", "Node n lost label k=v at <time>": what the scheduler's message leaves out. */
  private changeNote(cluster: string, node: string, blocked: 'taint' | 'labels'): string {
    const state = this.nodes.get(`${cluster}|${node}`);
    const time = blocked === 'taint' ? state?.taintedAt : state?.unlabeledAt;
    const at = time !== undefined ? ` at ${new Date(time).toISOString().replace(/\.000Z$/, 'Z')}` : '';
    const lost = state?.unlabeled ?? [];
    return blocked === 'taint' ? `Node ${node} tainted ${(state?.tainted ?? []).join(', ')}${at}` : `Node ${node} lost label${lost.length === 1 ? '' : 's'} ${lost.join(', ')}${at}`;
  }

  /** Any node of the cluster under planned maintenance (the scheduler's messages do not name it). */
  anyCordoned(cluster: string): string | undefined {
    const prefix = `${cluster}|`;
    const names = [...this.nodes].filter(([key, state]) => key.startsWith(prefix) && state.reason !== undefined).map(([key]) => key.slice(prefix.length)).sort();
    return names[0];
  }
}

function sameState(a: PlannedNodeState | undefined, b: PlannedNodeState | undefined): boolean {
  return (
    a?.reason === b?.reason &&
    a?.released === b?.released &&
    a?.taintedAt === b?.taintedAt &&
    (a?.tainted ?? []).join('\n') === (b?.tainted ?? []).join('\n') &&
    a?.unlabeledAt === b?.unlabeledAt &&
    (a?.unlabeled ?? []).join('\n') === (b?.unlabeled ?? []).join('\n')
  );
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
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

import { entityKeyKind, parseEntityKey, type Correlation, type CorrelationState, type Correlator, type EventType, type IndexedEvent } from '@tapio/domain';
import { MINUTE, POD_FAILURE_TYPES } from '../event-classes.js';
import { isPressureEvidence, pressureResourceOf } from '../pressure-resources.js';
import { earliestMatching, latestMatching, latestOf } from '../../state/state-walks.js';
import { isScaleDown, replicasChange, SCALED } from '../scale-change.js';

const ROLLOUT_TYPES = new Set(['workload_spec_changed'] as const);
const PREEMPTED: ReadonlySet<EventType> = new Set<EventType>(['pod_preempted']);
const UNSCHEDULABLE: ReadonlySet<EventType> = new Set<EventType>(['pod_unschedulable']);
const EVICTED: ReadonlySet<EventType> = new Set<EventType>(['pod_evicted']);
/** How long after a kubelet eviction for memory its replacements may still wait for the node's pressure to end. */
const PRESSURE_EVICTION_WINDOW_MS = 10 * MINUTE;
/** How long after a preemption its victims' replacements still wait for the capacity the preemptor took. */
const PREEMPTION_WINDOW_MS = 15 * MINUTE;
/** Readiness lost by the pods a scale-down left: what losing their peers does to them (a quorum lost, the load of three on one). */
const READINESS_LOST: ReadonlySet<EventType> = new Set<EventType>(['probe_failed', 'pod_not_ready']);
/** How soon after a scale-down the pods it left fail for it. */
const SCALE_DOWN_WINDOW_MS = 10 * MINUTE;

/**
 * Ownership correlation: failures of pods created by a rollout were CAUSED by the
 * workload change that started it; failures of sibling pods (one Deployment,
 * StatefulSet, DaemonSet, Job) are CORRELATED_WITH the family's first failure, so
 * fifteen pod failures roll up to one workload story. A pod of a family that lost pods to
 * preemption and then cannot be scheduled was CAUSED by that preemption: the replacement
 * waits for the capacity the preemptor took, so it belongs to the preemption's incident. So
 * does one whose family the kubelet evicted for memory: it waits for the node's pressure to end.
 */
export class OwnershipCorrelator implements Correlator {
  readonly id = 'ownership';

  constructor(private readonly windowMs = 60 * MINUTE) {}

  correlate(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const { event, at, entityKey } = indexed;
    if (entityKey && event.type === 'pod_unschedulable') {
      const preempted = this.preemptedReplacement(indexed, state);
      return preempted.length > 0 ? preempted : this.evictedForPressureReplacement(indexed, state);
    }
    if (entityKey && event.type === 'pod_preempted') return this.replacementsSeenFirst(indexed, state);
    // A Job that gives up was started by its CronJob: from a changed job template, the change is why.
    if (entityKey && event.type === 'job_failed' && entityKeyKind(entityKey) === 'Job') {
      const caused = this.createdByRollout(indexed, state, state.ownerChain(entityKey), 'Job');
      return caused ? [caused] : [];
    }
    // A pod evicted for breaking its own storage limit failed of its own doing, like an OOM kill.
    const ownEviction = event.type === 'pod_evicted' && event.annotations?.['eviction.limit'] !== undefined;
    if (!entityKey || !(POD_FAILURE_TYPES.has(event.type) || ownEviction)) return [];
    const chain = state.ownerChain(entityKey);
    if (chain.length === 0) return [];
    const edges: Correlation[] = [];
    const caused = this.createdByRollout(indexed, state, chain, 'pod') ?? this.leftByScaleDown(indexed, state, chain);
    if (caused) edges.push(caused);
    const root = chain[chain.length - 1] as string;
    const first = earliestMatching(state, 'owner', root, at - 30 * MINUTE, POD_FAILURE_TYPES, { until: at, otherThan: entityKey, podsOnly: true });
    if (first) {
      edges.push({ kind: 'CORRELATED_WITH', fromEventId: first.event.id, toEventId: event.id, confidence: 0.6, reason: `another pod of ${root.split('/').slice(1).join('/')} failed first (${first.event.type})`, correlator: this.id });
    }
    return edges;
  }

  /**
   * CAUSED from the latest rollout of an owner in `chain` (nearest first) that the failing
   * object was created by (created at or after it): only objects the rollout created, as older
   * ones were not touched by it.
   */
  private createdByRollout(indexed: IndexedEvent, state: CorrelationState, chain: readonly string[], what: 'pod' | 'Job'): Correlation | undefined {
    const { event, at, entityKey } = indexed;
    const created = Date.parse(state.resource(entityKey as string)?.facts?.creationTimestamp ?? '');
    if (!Number.isFinite(created)) return undefined;
    for (const owner of chain) {
      const rollout = latestMatching(state, 'entity', owner, at - this.windowMs, ROLLOUT_TYPES, { until: at });
      if (!rollout || created < rollout.at - 5_000) continue;
      const ref = parseEntityKey(owner);
      return {
        kind: 'CAUSED',
        fromEventId: rollout.event.id,
        toEventId: event.id,
        confidence: 0.65,
        reason: `${what} created by the rollout of ${ref?.kind ?? ''} ${ref?.name ?? owner} ${Math.round((at - rollout.at) / 1000)}s earlier`,
        correlator: this.id,
      };
    }
    return undefined;
  }

  /**
   * CAUSED from a scale-down of the pod's workload in the 10 minutes before the pod, which
   * it left running, lost its readiness: its peers went (a clustered store below its quorum,
   * the load of three on one). Only pods created before the scale-down, and not already
   * failing in the half hour before it.
   */
  private leftByScaleDown(indexed: IndexedEvent, state: CorrelationState, chain: readonly string[]): Correlation | undefined {
    const { event, at, entityKey } = indexed;
    if (!READINESS_LOST.has(event.type)) return undefined;
    const workload = chain[chain.length - 1] as string;
    const scaleDown = latestOf(state, 'entity', workload, at - SCALE_DOWN_WINDOW_MS, SCALED, (item) => item.at <= at && isScaleDown(item));
    const created = Date.parse(state.resource(entityKey as string)?.facts?.creationTimestamp ?? '');
    if (!scaleDown || !Number.isFinite(created) || created > scaleDown.at) return undefined;
    if (state.eventsOn(entityKey as string, scaleDown.at - 30 * MINUTE, POD_FAILURE_TYPES).some((item) => item.at < scaleDown.at)) return undefined;
    const change = replicasChange(scaleDown);
    const ref = parseEntityKey(workload);
    return {
      kind: 'CAUSED',
      fromEventId: scaleDown.event.id,
      toEventId: event.id,
      confidence: 0.6,
      reason: `left running when ${ref?.kind ?? ''} ${ref?.name ?? workload} was scaled down (${change?.before} -> ${change?.after}) ${Math.round((at - scaleDown.at) / 1000)}s earlier`,
      correlator: this.id,
    };
  }

  /**
   * Pods, Events and Preempted reports come on separate watches: a replacement's
   * FailedScheduling may arrive before its victim's Preempted of the same moment. Those are
   * linked when the preemption arrives (only ones at or after it: a cause precedes its effect).
   */
  private replacementsSeenFirst(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const family = state.rootOwner(indexed.entityKey as string);
    if (family === indexed.entityKey) return [];
    return state
      .eventsOnOwner(family, indexed.at, UNSCHEDULABLE)
      .filter((item) => item.entityKey !== indexed.entityKey)
      .map((item) => this.preemptionEdge(indexed, item, family));
  }

  /**
   * The latest preemption of a pod of the same family (owner root) within 15 minutes before
   * this pod failed scheduling: its replacement cannot be placed because the preemptor took
   * the room (the victim itself is gone by then, its events stay indexed by its family).
   */
  private preemptedReplacement(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const { event, at, entityKey } = indexed;
    const family = state.rootOwner(entityKey as string);
    if (family === entityKey) return [];
    const latest = latestMatching(state, 'owner', family, at - PREEMPTION_WINDOW_MS, PREEMPTED, { until: at, otherThan: entityKey });
    if (!latest) return [];
    return [this.preemptionEdge(latest, indexed, family)];
  }

  /**
   * The latest kubelet eviction for node pressure with its figures (memory, or ephemeral
   * storage under disk pressure: `pressureResourceOf`) of a pod of the same family within 10
   * minutes before this pod failed scheduling: a node under pressure carries the taint
   * node.kubernetes.io/memory-pressure (disk-pressure) until the pressure ends, so the
   * replacement waits for it. Its cause is the eviction's (the pressure, and the consumer
   * behind it), not its own workload.
   */
  private evictedForPressureReplacement(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const { event, at, entityKey } = indexed;
    const family = state.rootOwner(entityKey as string);
    if (family === entityKey) return [];
    const latest = latestOf(state, 'owner', family, at - PRESSURE_EVICTION_WINDOW_MS, EVICTED, (item) => item.at <= at && item.entityKey !== entityKey && isPressureEvidence(item));
    const resource = latest ? pressureResourceOf(latest) : undefined;
    if (!latest || !resource) return [];
    const seconds = Math.round((at - latest.at) / 1000);
    const reason = `replaces pods of ${family.split('/').slice(1).join('/')} the kubelet evicted for ${resource.words} ${seconds}s earlier (${parseEntityKey(latest.entityKey ?? '')?.name ?? 'a pod'}); the node is tainted until its ${resource.pressureWords} ends`;
    return [{ kind: 'CAUSED', fromEventId: latest.event.id, toEventId: event.id, confidence: 0.7, reason, correlator: this.id }];
  }

  private preemptionEdge(preempted: IndexedEvent, unschedulable: IndexedEvent, family: string): Correlation {
    const victim = parseEntityKey(preempted.entityKey ?? '');
    return {
      kind: 'CAUSED',
      fromEventId: preempted.event.id,
      toEventId: unschedulable.event.id,
      confidence: 0.8,
      reason: `replaces pods of ${family.split('/').slice(1).join('/')} preempted ${Math.round((unschedulable.at - preempted.at) / 1000)}s earlier (${victim?.name ?? 'a pod'}); the preemptor holds their room`,
      correlator: this.id,
    };
  }
}

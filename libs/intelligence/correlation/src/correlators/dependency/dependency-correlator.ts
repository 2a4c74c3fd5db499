import { entityKeyKind, parseEntityKey, type Correlation, type CorrelationState, type Correlator, type EventType, type IndexedEvent } from '@tapio/domain';
import { budgetCauses } from './budget-causes.js';
import { ingressCauses } from './ingress-causes.js';
import { injectorCause } from './injector-causes.js';
import { deletedWithNamespace, namespaceDeletion } from './namespace-deletion.js';
import { permissionCauses } from './permission-causes.js';
import { pullCredentialCause } from './pull-credential-causes.js';
import { nodeAgentCause } from './node-agent-causes.js';
import { storageClassCause } from './storage-class-causes.js';
import { taintEvictionCause, taintEvictionsOf } from './taint-evictions.js';
import { webhookServiceCause } from './webhook-services.js';
import { CONFIG_CHANGE_TYPES, isFailure, MINUTE, NODE_TROUBLE_TYPES, NODE_VICTIM_TYPES, POD_FAILURE_TYPES } from '../event-classes.js';
import { anyMatching, anyOf, earliestMatching, lastTimeOf, latestOf } from '../../state/state-walks.js';
import { workloadBehind } from '../../state/relations.js';

const SERVICE_CHANGE_TYPES: ReadonlySet<EventType> = new Set<EventType>(['service_changed']);
const ROLLOUT_TYPES: ReadonlySet<EventType> = new Set<EventType>(['workload_spec_changed']);
const SCALE_TYPES: ReadonlySet<EventType> = new Set<EventType>(['workload_scaled']);

/** The Service seen whole: listed (with the endpoints it then had) or restored after an outage. */
const WHOLE_TYPES: ReadonlySet<EventType> = new Set<EventType>(['resource_created', 'service_restored']);
const READY_TYPES: ReadonlySet<EventType> = new Set<EventType>(['pod_ready']);

function minutes(ms: number): string {
  return ms < MINUTE ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / MINUTE)}m`;
}

/**
 * Dependency correlation over shared things: a failure of a pod that uses a
 * ConfigMap / Secret / PVC changed shortly before (and that was healthy before the
 * change) was CAUSED by the change, and one whose ServiceAccount just lost RBAC access by the
 * RBAC change (permission-causes.ts); trouble on a pod's node CAUSED its failures; pod
 * failures TRIGGERED their Service losing its endpoints; a PodDisruptionBudget violated was
 * CAUSED by its own change, a drain that took its pods, or their failures (budget-causes.ts);
 * pods the taint manager deleted were CAUSED by their node's new NoExecute taint, and TRIGGERED
 * their Service losing its endpoints (taint-evictions.ts); a pod refused because an admission
 * webhook could not be called was CAUSED by the webhook's Service losing its endpoints
 * (webhook-services.ts);
 * users failing through an Ingress were CAUSED by its backend's trouble or the edit that
 * broke its route (ingress-causes.ts).
 */
export class DependencyCorrelator implements Correlator {
  readonly id = 'dependency';

  constructor(private readonly windowMs = 60 * MINUTE) {}

  correlate(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const { event, at, entityKey } = indexed;
    if (!entityKey) return [];
    if (event.type === 'service_unavailable' || event.type === 'endpoints_changed') return this.serviceImpact(indexed, state);
    if (event.type === 'disruption_budget_violated') return budgetCauses(indexed, state, this.id);
    if (event.type === 'ingress_backend_unavailable') return ingressCauses(indexed, state, this.id);
    if (event.type === 'pod_disrupted') return taintEvictionCause(indexed, state, this.id);
    if (event.type === 'replica_create_failed') return webhookServiceCause(indexed, state, this.id);
    if (event.type === 'cni_error') return nodeAgentCause(indexed, state, this.id);
    const credentials = event.type === 'image_pull_failed' ? pullCredentialCause(indexed, state, this.id) : [];
    if (credentials.length) return credentials;
    if (event.type === 'resource_deleted') return deletedWithNamespace(indexed, state, this.id);
    if (event.type === 'volume_attach_failed' && entityKeyKind(entityKey) === 'PersistentVolumeClaim') return storageClassCause(indexed, state, this.id);
    if (!POD_FAILURE_TYPES.has(event.type)) return [];
    // A container a mutating webhook added fails: what the injector injected, before anything the workload did.
    const injected = injectorCause(indexed, state, this.id);
    if (injected.length) return injected;
    const edges: Correlation[] = [];
    const since = at - this.windowMs;
    for (const dependency of state.dependenciesOf(entityKey)) {
      const change = latestOf(state, 'entity', dependency, since, CONFIG_CHANGE_TYPES, (item) => item.at <= at);
      if (!change || this.failingBefore(state, entityKey, change.at)) continue;
      const ref = parseEntityKey(dependency);
      edges.push({
        kind: 'CAUSED',
        fromEventId: change.event.id,
        toEventId: event.id,
        confidence: 0.75,
        reason: `uses ${ref?.kind ?? 'dependency'} ${ref?.name ?? dependency}, changed ${minutes(at - change.at)} before this failure`,
        correlator: this.id,
      });
    }
    edges.push(...permissionCauses(indexed, state, this.id, this.windowMs, (time) => this.failingBefore(state, entityKey, time)));
    const node = state.nodeNameOf(entityKey);
    // Node trouble explains pods going NotReady, failing or being evicted, not OOM kills or
    // crash loops (those cause pressure, not the other way round), and only for pods that
    // were healthy before it.
    if (node && NODE_VICTIM_TYPES.has(event.type)) {
      const latest = latestOf(state, 'node', node, at - 10 * MINUTE, NODE_TROUBLE_TYPES, (item) => item.at <= at && item.entityKey !== entityKey && entityKeyKind(item.entityKey ?? '') === 'Node');
      if (latest && !this.failingBefore(state, entityKey, latest.at)) {
        edges.push({ kind: 'CAUSED', fromEventId: latest.event.id, toEventId: event.id, confidence: 0.6, reason: `node ${node} reported ${latest.event.type} ${minutes(at - latest.at)} earlier`, correlator: this.id });
      }
    }
    return edges;
  }

  /** True when the entity already had failures before `time` (within the window): the change cannot explain them. */
  private failingBefore(state: CorrelationState, key: string, time: number): boolean {
    return anyOf(state, 'entity', key, time - this.windowMs, undefined, (item) => item.at < time && isFailure(item.event.type) && item.event.type !== 'probe_failed');
  }

  private serviceImpact(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const { event, at, entityKey } = indexed;
    if (event.type === 'endpoints_changed') {
      const ready = event.kubernetes?.changes?.find((change) => change.path === 'readyEndpoints');
      if (!ready || Number(ready.after ?? 0) >= Number(ready.before ?? 0)) return [];
    }
    const serviceKey = entityKey?.replace('/Endpoints/', '/Service/') as string;
    const deletion = namespaceDeletion(indexed, serviceKey, state, this.id);
    if (deletion.length) return deletion;
    const edges: Correlation[] = [];
    const since = at - 10 * MINUTE;
    const whole = lastTimeOf(state, 'entity', serviceKey, since, WHOLE_TYPES, at);
    for (const pod of state.neighbours(serviceKey, 'SELECTS', 'out')) {
      // A failure the Service was whole after (first seen with its ready endpoints, or restored), or that the
      // pod recovered from (it became ready since), did not take the endpoints: a recording's starting state
      // lists a pod's old FailedMount beside the Service serving from it. Most selected pods have no failure
      // since the Service was whole: their readiness is then not read.
      if (!anyMatching(state, 'entity', pod, since, POD_FAILURE_TYPES, { until: at, after: whole })) continue;
      const after = Math.max(whole, lastTimeOf(state, 'entity', pod, since, READY_TYPES, at));
      const first = earliestMatching(state, 'entity', pod, since, POD_FAILURE_TYPES, { until: at, after });
      if (first) edges.push({ kind: 'TRIGGERED', fromEventId: first.event.id, toEventId: event.id, confidence: 0.7, reason: `a pod the Service selects was failing (${first.event.type})`, correlator: this.id });
    }
    if (edges.length === 0) edges.push(...taintEvictionsOf(indexed, serviceKey, state, this.id));
    if (edges.length === 0 && event.type === 'service_unavailable') edges.push(...this.selectionChanges(indexed, serviceKey, state));
    return edges;
  }

  /**
   * A Service that lost its endpoints while none of its pods failed lost them by
   * selection: its own selector changed, or a rollout changed a pod-template label the
   * selector matches on, so the new pods are not selected when the old ones go.
   */
  private selectionChanges(indexed: IndexedEvent, serviceKey: string, state: CorrelationState): Correlation[] {
    const { event, at } = indexed;
    const since = at - 15 * MINUTE;
    const edges: Correlation[] = [];
    const latest = latestOf(state, 'entity', serviceKey, since, SERVICE_CHANGE_TYPES, (item) => item.at <= at && item.event.kubernetes?.changes?.some((change) => change.path.startsWith('spec.selector.')) === true);
    if (latest) edges.push({ kind: 'TRIGGERED', fromEventId: latest.event.id, toEventId: event.id, confidence: 0.8, reason: `the Service's selector changed ${minutes(at - latest.at)} earlier`, correlator: this.id });
    const selector = state.resource(serviceKey)?.facts?.serviceSelector ?? {};
    const selectorKeys = Object.keys(selector);
    const namespace = parseEntityKey(serviceKey)?.namespace;
    if (selectorKeys.length === 0 || !namespace) return edges;
    const rollouts = state.eventsInNamespace(namespace, since, ROLLOUT_TYPES).filter((item) => item.at <= at);
    // The workloads behind the Service: owners of the pods it selects now, and workloads whose own selector covers it.
    const served = new Set(state.neighbours(serviceKey, 'SELECTS', 'out').map((pod) => state.rootOwner(pod)));
    const serves = (workload: string | undefined) => workload !== undefined && (served.has(workload) || workloadBehind(state, serviceKey, workload));
    const linked = new Set<string>();
    for (const rollout of rollouts) {
      const relabel = rollout.event.kubernetes?.changes?.some((change) => selectorKeys.some((key) => change.path === `spec.template.labels.${key}`));
      if (relabel) {
        linked.add(rollout.event.id);
        edges.push({ kind: 'TRIGGERED', fromEventId: rollout.event.id, toEventId: event.id, confidence: 0.75, reason: `a rollout changed the pod label the Service selects on, ${minutes(at - rollout.at)} earlier`, correlator: this.id });
      }
    }
    // A workload behind the Service scaled to 0 took every endpoint with it (scaling is routine otherwise).
    const scaledToZero = state.eventsInNamespace(namespace, since, SCALE_TYPES).filter((item) => item.at <= at && serves(item.entityKey) && item.event.kubernetes?.changes?.some((change) => change.path === 'spec.replicas' && change.after === '0'));
    const scaled = scaledToZero[scaledToZero.length - 1];
    if (edges.length === 0 && scaled) {
      edges.push({ kind: 'TRIGGERED', fromEventId: scaled.event.id, toEventId: event.id, confidence: 0.8, reason: `${parseEntityKey(scaled.entityKey ?? '')?.name ?? 'a workload'} behind the Service was scaled to 0 replicas ${minutes(at - scaled.at)} earlier`, correlator: this.id });
    }
    // Otherwise: a rollout of a workload behind the Service replaced its pods and the new ones are not ready (yet).
    const replacing = rollouts.filter((rollout) => !linked.has(rollout.event.id) && serves(rollout.entityKey));
    const latestRollout = replacing[replacing.length - 1];
    if (edges.length === 0 && latestRollout) {
      edges.push({ kind: 'TRIGGERED', fromEventId: latestRollout.event.id, toEventId: event.id, confidence: 0.7, reason: `a rollout replaced the pods behind the Service ${minutes(at - latestRollout.at)} earlier and none of the new ones is ready`, correlator: this.id });
    }
    return edges;
  }
}

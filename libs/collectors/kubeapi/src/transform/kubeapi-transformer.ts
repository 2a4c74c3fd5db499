import {
  CLUSTER_SCOPED_KINDS,
  DEFAULT_CHANGE_LIMITS,
  DEFAULT_CLUSTER,
  makeUnifiedEvent,
  redactSecret,
  timestampMs,
  type ChangeItem,
  type ChangeLimits,
  type DurableTransformerState,
  type EntityRef,
  type EventType,
  type K8sContext,
  type K8sObjectFacts,
  type RawEvent,
  type RawEventTransformer,
  type ResourceNode,
  type TransformContext,
  type UnifiedEvent,
} from '@tapio/domain';
import { classify, classifyAgainstStored, digestOf, sameFacts, TEMPLATE_KINDS, type Remembered } from './change-classifier.js';
import { configContent } from './config-content.js';
import { mapEventReason } from './event-reasons.js';
import { factsOf } from './facts.js';
import { obj, readMeta, readWatchEvent, str, type Json, type ObjectMeta } from './k8s-object.js';
import { nodeSignals } from './node-signals.js';
import { markInjected, podMemory, podSignals, type PodMemory } from './pod-signals.js';
import type { Signal } from './signal.js';
import { progressingReason, rolloutSignals } from './workload-signals.js';
import { leaseSignals, leaseState } from './lease-heartbeats.js';
import { metadataDigest } from './secret-facts.js';
import { endpointSignal, ServiceEndpoints } from './service-endpoints.js';
import { eventAnnotations } from './event-annotations.js';
import { permissionDeletion } from './rbac-kinds.js';
import { asHistory, historyAnnotation, oneLine, repetitionAnnotation, retellAfterMs } from './event-repetition.js';
import { createdAge } from './created-age.js';
import { cordonSignals, hpaSignals, PlannedNodes } from './lifecycle-signals.js';
import { nodeLabelSignals } from './node-labels.js';
import { TerminatingNamespaces } from './terminating-namespaces.js';
import { ADMISSION_KINDS, AdmissionPolicies } from './admission-policies.js';
import { CapacityLedger, controllerOf, topOwner } from './capacity-ledger.js';
import { kubernetesEventData } from './event-data.js';
import { SchedulingCauses } from './scheduling-causes.js';
import { disruptionBudgetSignals } from './disruption-budget-signals.js';
import { VersionMemory } from './version-memory.js';
import { IngressBackends } from './ingress-backends.js';
import { configDeletion } from './config-deletion.js';
import { kubeapiState, type Folded } from './kubeapi-state.js';
import type { KubeApiTransformerOptions } from './kubeapi-transformer-options.js';

/**
 * RawEvents of the Kubernetes API collector (watch events) → UnifiedEvents: one
 * lifecycle event per real change carrying the object's facts and a semantic diff,
 * plus failure signals (restarts, OOM kills, crash loops, image pull failures,
 * evictions, unschedulable pods, readiness flips, node conditions, stalled rollouts)
 * and Kubernetes Event objects mapped by reason and folded by count. Stateful: it
 * remembers each object's previous version to compute deltas.
 */
export class KubeApiTransformer implements RawEventTransformer {
  readonly sources = ['kubeapi'] as const;
  /** Each object's last versions, keyed by cluster and uid (durable through durableState). */
  private readonly objects: VersionMemory<Remembered>;
  /** Objects known only from the graph (a restart without durable state): facts, no details. */
  private readonly stored = new Map<string, Remembered>();
  /** Each Kubernetes Event object's last signalled count and time, by version. */
  private readonly folded: VersionMemory<Folded>;
  private readonly refoldMs: number;
  private readonly limits: ChangeLimits;
  private readonly endpoints = new ServiceEndpoints();
  private readonly planned: PlannedNodes;
  private readonly namespaces = new TerminatingNamespaces();
  private readonly admission = new AdmissionPolicies();
  private readonly capacity = new CapacityLedger((cluster, owner) => topOwner(owner, (uid) => this.factsOf(cluster, uid)));
  private readonly scheduling: SchedulingCauses;
  private readonly ingresses = new IngressBackends((cluster, namespace, service) => this.endpoints.available(cluster, namespace, service));

  constructor(options: KubeApiTransformerOptions = {}) {
    this.refoldMs = options.eventRefoldMs ?? 10 * 60_000;
    this.limits = options.limits ?? DEFAULT_CHANGE_LIMITS;
    this.planned = new PlannedNodes(options.uncordonGraceMs);
    this.scheduling = new SchedulingCauses(this.planned, this.capacity);
    this.objects = new VersionMemory<Remembered>(3, this.limits.maxDeletedObjects);
    this.folded = new VersionMemory<Folded>(3, this.limits.maxDeletedObjects);
    this.durableState = kubeapiState(this.objects, this.folded, this.endpoints, this.planned, this.ingresses, this.namespaces, this.admission);
  }

  /**
   * Takes resources stored in the graph as the last versions seen, so that after a
   * restart an object that changed meanwhile (a ConfigMap edited while Tapio was down)
   * is still reported as changed, and an unchanged one is not reported again.
   */
  remember(resources: readonly ResourceNode[]): void {
    for (const resource of resources) {
      const facts = resource.facts;
      if (resource.deleted || !facts?.uid || resource.ref.kind === 'Event') continue;
      const cluster = resource.ref.cluster ?? DEFAULT_CLUSTER;
      const memoryKey = `${cluster}|${facts.uid}`;
      if (this.objects.has(memoryKey) || this.stored.has(memoryKey)) continue;
      this.stored.set(memoryKey, { facts, stored: true });
      // A node cordoned or being drained when Tapio stopped is still under planned maintenance.
      if (resource.ref.kind === 'Node') this.planned.observe(cluster, facts, false, Date.parse(resource.updatedAt) || 0);
      if (resource.ref.kind === 'Namespace') this.namespaces.observe(cluster, facts, false);
      this.admission.observe(cluster, facts, false);
    }
  }

  /** Objects currently remembered (for memory accounting). */
  get size(): number {
    return this.objects.size + this.stored.size;
  }

  /** The previous versions, kept durable by the transformer stage (see kubeapi-state.ts). */
  readonly durableState: DurableTransformerState;

  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    const watch = readWatchEvent(raw.data);
    if (watch.type === 'BOOKMARK') return [];
    if (watch.type === 'ERROR') {
      throw new Error(`kubeapi: watch ERROR event: ${str(watch.object['message']) ?? JSON.stringify(watch.object).slice(0, 200)}`);
    }
    if (raw.type !== watch.type && ['ADDED', 'MODIFIED', 'DELETED'].includes(raw.type)) {
      throw new Error(`kubeapi: type "${raw.type}" disagrees with data.type "${watch.type}"`);
    }
    const meta = readMeta(watch.object);
    if (meta.kind === 'Event' && (meta.apiVersion === 'v1' || meta.apiVersion === 'events.k8s.io/v1' || meta.apiVersion === undefined)) {
      return this.kubernetesEvent(raw, context, watch.type, watch.object, meta);
    }
    // Whatever reached the transformer, no Secret value is read past this point (keyed fingerprints stay).
    const object = meta.kind === 'Secret' ? redactSecret(watch.object) : watch.object;
    return this.objectChange(raw, context, watch.type, object, meta);
  }

  private objectChange(raw: RawEvent, context: TransformContext, verb: 'ADDED' | 'MODIFIED' | 'DELETED', object: Json, meta: ObjectMeta): UnifiedEvent[] {
    const memoryKey = `${context.cluster}|${meta.uid}`;
    const token = context.eventId(raw, 'version');
    const lookup = this.objects.lookup(memoryKey, meta.resourceVersion, token, verb === 'DELETED');
    if (lookup.kind === 'forgotten') return [];
    const previous = lookup.previous ?? (this.objects.has(memoryKey) ? undefined : this.stored.get(memoryKey));
    // Signals need the previous version's details; a version known only from the graph has none.
    const live = previous?.stored ? undefined : previous;
    const facts = factsOf(object);
    const entity = this.entityOf(meta, context.cluster);
    const k8sContext = this.contextOf(entity, facts);
    const label = `${meta.kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}`;

    if (verb === 'DELETED') {
      this.objects.record(memoryKey, lookup, meta.resourceVersion, token, null, context.position);
      this.stored.delete(memoryKey);
      if (meta.kind === 'Endpoints' || meta.kind === 'EndpointSlice') this.endpoints.observe(context.cluster, meta.kind, facts, true, token);
      if (meta.kind === 'Node') this.planned.observe(context.cluster, facts, true);
      if (meta.kind === 'Pod') this.capacity.forgetPod(context.cluster, meta.uid, timestampMs(raw.timestamp));
      if (meta.kind === 'Namespace') this.namespaces.observe(context.cluster, facts, true);
      this.admission.observe(context.cluster, facts, true, timestampMs(raw.timestamp), object);
      const deleted = [
        makeUnifiedEvent(raw, context, 'resource_deleted', 'lifecycle', {
          entity,
          k8sContext,
          message: `${label} deleted`,
          kubernetes: { watchType: 'DELETED', object: facts },
        }),
      ];
      if (meta.kind === 'ConfigMap' || meta.kind === 'Secret') {
        const { changes, keys } = configDeletion(meta.kind, previous ?? undefined, object, this.limits);
        const type = meta.kind === 'ConfigMap' ? 'config_changed' : 'secret_changed';
        deleted.push(makeUnifiedEvent(raw, context, type, 'config-deleted', { entity, k8sContext, message: `${label} deleted${keys ? ` (data keys ${keys})` : ''}`, kubernetes: { watchType: 'DELETED', object: facts, changes } }));
      }
      const revoked = permissionDeletion(meta.kind, object, label);
      if (revoked) deleted.push(makeUnifiedEvent(raw, context, 'permission_changed', 'permission-deleted', { entity, k8sContext, ...revoked, kubernetes: { watchType: 'DELETED', object: facts } }));
      deleted.push(...this.signalEvents(raw, context, entity, k8sContext, this.ingresses.observe({ cluster: context.cluster, kind: meta.kind, facts, object, deleted: true, raw: token, at: timestampMs(raw.timestamp), current: this.objects.latest(memoryKey) === null })));
      return deleted;
    }

    const remembered: Remembered = { facts };
    // A workload's spec only changes with its generation: status-only versions (most
    // of them) reuse the previous digest instead of re-reading the pod template.
    const unchangedSpec = TEMPLATE_KINDS.has(meta.kind) && previous?.digest !== undefined && facts.generation !== undefined && facts.generation === previous.facts.generation;
    const digest = unchangedSpec ? previous?.digest : digestOf(meta.kind, object);
    if (digest) remembered.digest = digest;
    if (meta.kind === 'Pod') remembered.pod = podMemory(object);
    if (meta.kind === 'Deployment') remembered.progressing = progressingReason(object);
    if (meta.kind === 'Secret') remembered.metadata = metadataDigest(object);
    if (meta.kind === 'ConfigMap') remembered.content = configContent(object, this.limits);
    if (meta.kind === 'Lease') remembered.lease = leaseState(object);
    this.objects.record(memoryKey, lookup, meta.resourceVersion, token, remembered, context.position);
    this.stored.delete(memoryKey);

    const signals: Signal[] = [];
    if (meta.kind === 'Pod') {
      const at = timestampMs(raw.timestamp);
      this.capacity.observePod(context.cluster, meta.uid, object, () => controllerOf(facts), at);
      // A pod waiting only for a cordoned, newly tainted or relabelled node, or for room another workload took: named after it (the scheduler's message does not); a container its controller never asked for marked injected.
      const own = podSignals(live?.pod ? { facts: live.facts, memory: live.pod } : undefined, facts, remembered.pod as PodMemory, object);
      for (const signal of own.length ? markInjected(own, this.factsOf(context.cluster, controllerOf(facts).uid ?? '')?.templateContainers, () => this.admission.injectorServices(context.cluster)) : own) signals.push(this.scheduling.attribute(context.cluster, signal, meta, at));
    } else if (meta.kind === 'Node') {
      this.capacity.observeNode(context.cluster, object);
      this.planned.observe(context.cluster, facts, false, timestampMs(raw.timestamp), live?.facts);
      signals.push(...cordonSignals(live?.facts, facts), ...nodeLabelSignals(live?.facts, facts));
      // A node taken out of service on purpose (drained, scaled down) that goes NotReady is maintenance, not a failure.
      const planned = this.planned.reason(context.cluster, facts.name);
      for (const signal of nodeSignals(live?.facts, facts)) {
        signals.push(planned && signal.type === 'node_not_ready' ? { ...signal, message: `${signal.message} while ${planned}`, annotations: { lifecycle: 'planned', 'lifecycle.reason': planned } } : signal);
      }
    } else if (meta.kind === 'PodDisruptionBudget') {
      signals.push(...disruptionBudgetSignals(live?.facts, facts, object));
    } else if (meta.kind === 'HorizontalPodAutoscaler') {
      signals.push(...hpaSignals(live?.facts, facts, object));
    } else if (meta.kind === 'Deployment' && live) {
      signals.push(...rolloutSignals(live.progressing, remembered.progressing, facts, object));
    } else if (meta.kind === 'Endpoints' || meta.kind === 'EndpointSlice') {
      const signal = this.endpoints.observe(context.cluster, meta.kind, facts, false, token);
      if (signal) signals.push(endpointSignal(signal, meta.namespace, signal.type === 'service_unavailable' && this.namespaces.has(context.cluster, meta.namespace)));
    } else if (ADMISSION_KINDS.has(meta.kind)) {
      if (meta.kind === 'Namespace') this.namespaces.observe(context.cluster, facts, false);
      this.admission.observe(context.cluster, facts, false, live ? timestampMs(raw.timestamp) : undefined, object);
    } else if (meta.kind === 'Lease') {
      signals.push(...leaseSignals(live?.lease, object));
    }
    signals.push(...this.ingresses.observe({ cluster: context.cluster, kind: meta.kind, facts, object, deleted: false, raw: token, at: timestampMs(raw.timestamp), current: this.objects.latest(memoryKey) === remembered }));

    const events: UnifiedEvent[] = [];
    if (!previous) {
      events.push(
        makeUnifiedEvent(raw, context, 'resource_created', 'lifecycle', {
          entity,
          k8sContext,
          message: verb === 'ADDED' ? `${label} exists` : `${label} seen`,
          kubernetes: { watchType: verb, object: facts },
          annotations: createdAge(facts.creationTimestamp, raw.timestamp),
        }),
      );
    } else {
      const change = previous.stored ? classifyAgainstStored(meta.kind, previous.facts, facts, label) : classify(meta.kind, previous, remembered, label, this.limits);
      if (change?.type === 'workload_spec_changed') this.admission.templateChanged(context.cluster, meta.kind, meta.name, meta.namespace, change.changes, timestampMs(raw.timestamp));
      if (change || !sameFacts(previous.facts, facts)) {
        const type = change?.type ?? 'resource_updated';
        events.push(
          makeUnifiedEvent(raw, context, type, 'lifecycle', {
            entity,
            k8sContext,
            message: change?.message ?? `${label} updated`,
            kubernetes: { watchType: verb, object: facts, ...(change?.changes.length ? { changes: change.changes } : {}) },
            ...(change?.annotations ? { annotations: change.annotations } : {}),
          }),
        );
      }
    }
    events.push(...this.signalEvents(raw, context, entity, k8sContext, signals));
    return events;
  }

  /** Signals as events: on the watched object, or on the object a signal is about (a Service for its EndpointSlice). */
  private signalEvents(raw: RawEvent, context: TransformContext, entity: EntityRef, k8sContext: K8sContext, signals: readonly Signal[]): UnifiedEvent[] {
    return signals.filter((signal) => !this.namespaces.silences(context.cluster, (signal.about ? signal.about.namespace : entity.namespace) ?? undefined, signal.type)).map((signal) => {
      const target: EntityRef = signal.about ? { ...signal.about, cluster: context.cluster } : entity;
      return makeUnifiedEvent(raw, context, signal.type, `signal:${signal.key}`, {
        entity: target,
        k8sContext: target === entity ? k8sContext : this.contextOf(target, undefined),
        message: signal.message,
        ...(signal.severity ? { severity: signal.severity } : {}),
        ...(signal.kubernetes ? { kubernetes: signal.kubernetes } : {}),
        ...(signal.annotations ? { annotations: signal.annotations } : {}),
      });
    });
  }

  private kubernetesEvent(raw: RawEvent, context: TransformContext, verb: 'ADDED' | 'MODIFIED' | 'DELETED', object: Json, meta: ObjectMeta): UnifiedEvent[] {
    const foldKey = `${context.cluster}|${meta.uid}`;
    const token = context.eventId(raw, 'version');
    const lookup = this.folded.lookup(foldKey, meta.resourceVersion, token, verb === 'DELETED');
    if (lookup.kind === 'forgotten') return [];
    if (verb === 'DELETED') {
      this.folded.record(foldKey, lookup, meta.resourceVersion, token, null, context.position);
      return [];
    }
    const involved = obj(object['involvedObject'] ?? object['regarding']);
    const kind = str(involved['kind']);
    const name = str(involved['name']);
    if (!kind || !name) throw new Error(`kubeapi: Event ${meta.namespace ?? ''}/${meta.name} has no involvedObject kind/name`);
    const reason = str(object['reason']) ?? 'Unknown';
    const message = oneLine(str(object['message']) ?? str(object['note']) ?? '');
    const eventType = str(object['type']) ?? 'Normal';
    const series = obj(object['series']);
    const count = typeof object['count'] === 'number' ? object['count'] : typeof series['count'] === 'number' ? series['count'] : 1;
    const at = timestampMs(raw.timestamp);
    const previous = lookup.previous ?? undefined;
    const lastSeen = str(object['lastTimestamp']) ?? str(series['lastObservedTime']) ?? str(object['eventTime']);
    // events.k8s.io Events of a series first happened at their eventTime.
    const firstSeen = str(object['firstTimestamp']) ?? (object['series'] ? str(object['eventTime']) : undefined);
    if (previous && count < previous.count * 2 && at - previous.at < retellAfterMs(previous.at, firstSeen ? Date.parse(firstSeen) : Number.NaN, this.refoldMs)) {
      this.folded.record(foldKey, lookup, meta.resourceVersion, token, previous, context.position);
      return [];
    }
    this.folded.record(foldKey, lookup, meta.resourceVersion, token, { count, at }, context.position);

    const namespace = CLUSTER_SCOPED_KINDS.has(kind) ? undefined : (str(involved['namespace']) ?? meta.namespace);
    const uid = str(involved['uid']);
    const entity: EntityRef = { kind, name, cluster: context.cluster, ...(namespace ? { namespace } : {}), ...(uid && kind !== 'Node' ? { uid } : {}) };
    const mapping = asHistory(mapEventReason(reason, message, eventType, kind), previous === undefined, lastSeen, at);
    if (this.namespaces.silences(context.cluster, namespace, mapping.type)) return [];
    const kubernetes = kubernetesEventData(object, involved, { reason, eventType, count, lastSeen });
    return [
      makeUnifiedEvent(raw, context, mapping.type, `event:${count}`, {
        entity,
        k8sContext: this.contextOf(entity, undefined),
        message: `${reason}: ${message}${count > 1 ? ` (x${count})` : ''}`,
        ...(mapping.severity ? { severity: mapping.severity } : {}),
        kubernetes,
        annotations: {
          k8s_event: `${meta.namespace ?? ''}/${meta.name}`,
          ...repetitionAnnotation(count, firstSeen, lastSeen),
          ...historyAnnotation(mapping),
          ...eventAnnotations(reason, message, { kind, name, namespace, uid }, { cluster: context.cluster, at, byUid: (id) => this.factsOf(context.cluster, id), planned: this.planned, admission: this.admission, scheduling: this.scheduling }),
        },
      }),
    ];
  }

  /** The last facts known of an object (seen, or read from the graph), by uid. */
  private factsOf(cluster: string, uid: string): K8sObjectFacts | undefined {
    return (this.objects.latest(`${cluster}|${uid}`) ?? this.stored.get(`${cluster}|${uid}`))?.facts;
  }

  private entityOf(meta: ObjectMeta, cluster: string): EntityRef {
    return {
      kind: meta.kind,
      name: meta.name,
      cluster,
      ...(meta.namespace && !CLUSTER_SCOPED_KINDS.has(meta.kind) ? { namespace: meta.namespace } : {}),
      ...(meta.uid ? { uid: meta.uid } : {}),
    };
  }

  private contextOf(entity: EntityRef, facts: K8sObjectFacts | undefined): K8sContext {
    return {
      kind: entity.kind,
      name: entity.name,
      ...(entity.cluster ? { cluster: entity.cluster } : {}),
      ...(entity.namespace ? { namespace: entity.namespace } : {}),
      ...(entity.uid ? { uid: entity.uid } : {}),
      ...(facts?.labels ? { labels: facts.labels } : {}),
      ...(facts?.ownerReferences ? { ownerReferences: facts.ownerReferences } : {}),
      ...(facts?.nodeName ? { nodeName: facts.nodeName } : {}),
    };
  }
}

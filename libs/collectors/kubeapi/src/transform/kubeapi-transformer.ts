import {
  CLUSTER_SCOPED_KINDS,
  DEFAULT_CLUSTER,
  makeUnifiedEvent,
  redactSecret,
  type ChangeItem,
  type EntityRef,
  type EventType,
  type K8sContext,
  type K8sObjectFacts,
  type KubernetesData,
  type RawEvent,
  type RawEventTransformer,
  type ResourceNode,
  type TransformContext,
  type UnifiedEvent,
} from '@tapio/domain';
import { keyHashes } from './content-hash.js';
import { mapEventReason } from './event-reasons.js';
import { factsOf } from './facts.js';
import { obj, readMeta, readWatchEvent, str, type Json, type ObjectMeta } from './k8s-object.js';
import { nodeSignals } from './node-signals.js';
import { podMemory, podSignals, type PodMemory } from './pod-signals.js';
import { describeChanges, diffMaps, networkPolicyDigest, nodeSpecDigest, serviceDigest, templateDigest } from './semantic-diff.js';
import type { Signal } from './signal.js';
import { progressingReason, rolloutSignals } from './workload-signals.js';
import { LeaseHeartbeats } from './lease-heartbeats.js';
import { isPolicyKind, policyChangeType, policyDigest } from './policy-kinds.js';
import { contentUnread, metadataDigest, secretDigest } from './secret-facts.js';
import { ServiceEndpoints } from './service-endpoints.js';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** What is remembered of an object between its versions (never Secret values). */
interface Remembered {
  facts: K8sObjectFacts;
  digest?: Record<string, string>;
  pod?: PodMemory;
  progressing?: string | undefined;
  /** A Secret's metadata digest: its resourceVersion moving while this stays means its content changed. */
  metadata?: string;
  /** Known only from the graph (a restarted Tapio): facts, but no digests or pod memory. */
  stored?: true;
}

interface Folded {
  count: number;
  at: number;
}

export interface KubeApiTransformerOptions {
  /** A repeating Event object is signalled again when its count doubles or after this long. */
  eventRefoldMs?: number;
}

/** "data key a edited, data key b added"; a change to the data as a whole (keys unknown) is "data edited". */
function describeDataChanges(changes: readonly ChangeItem[]): string {
  return changes.map((change) => `${change.path === 'data' ? 'data' : `data key ${change.path.slice(5)}`} ${change.op === 'changed' ? 'edited' : change.op}`).join(', ');
}

/**
 * Whether two versions' facts differ in anything but the resourceVersion. A
 * structural walk: it runs for every object version and, unlike comparing JSON
 * strings, allocates nothing (and ignores key order).
 */
export function sameFacts(a: K8sObjectFacts, b: K8sObjectFacts): boolean {
  return sameJson(a, b, 'resourceVersion');
}

function sameJson(a: unknown, b: unknown, ignoredKey?: string): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index += 1) if (!sameJson(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    if (key === ignoredKey || left[key] === undefined) continue;
    keys += 1;
    if (!sameJson(left[key], right[key])) return false;
  }
  for (const key in right) if (key !== ignoredKey && right[key] !== undefined) keys -= 1;
  return keys === 0;
}

function digestOf(kind: string, object: Json): Record<string, string> | undefined {
  const spec = obj(object['spec']);
  if (WORKLOAD_KINDS.has(kind)) return { ...templateDigest(obj(spec['template'])), replicas: String(spec['replicas'] ?? '') };
  if (kind === 'ConfigMap') return keyHashes(object);
  if (kind === 'Secret') return secretDigest(object);
  if (isPolicyKind(kind)) return policyDigest(kind, object);
  if (kind === 'Service') return serviceDigest(spec);
  if (kind === 'NetworkPolicy') return networkPolicyDigest(spec);
  if (kind === 'Node') return nodeSpecDigest(spec);
  return undefined;
}

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
  private readonly objects = new Map<string, Remembered>();
  private readonly folded = new Map<string, Folded>();
  private readonly refoldMs: number;
  private readonly endpoints = new ServiceEndpoints();
  private readonly leases = new LeaseHeartbeats();

  constructor(options: KubeApiTransformerOptions = {}) {
    this.refoldMs = options.eventRefoldMs ?? 10 * 60_000;
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
      const memoryKey = `${resource.ref.cluster ?? DEFAULT_CLUSTER}|${facts.uid}`;
      if (!this.objects.has(memoryKey)) this.objects.set(memoryKey, { facts, stored: true });
    }
  }

  /** Objects currently remembered (for memory accounting). */
  get size(): number {
    return this.objects.size;
  }

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
    const previous = this.objects.get(memoryKey);
    // Signals need the previous version's details; a version known only from the graph has none.
    const live = previous?.stored ? undefined : previous;
    const facts = factsOf(object);
    const entity = this.entityOf(meta, context.cluster);
    const k8sContext = this.contextOf(entity, facts);
    const label = `${meta.kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}`;

    if (verb === 'DELETED') {
      this.objects.delete(memoryKey);
      if (meta.kind === 'Endpoints' || meta.kind === 'EndpointSlice') this.endpoints.observe(context.cluster, meta.kind, facts, true);
      if (meta.kind === 'Lease') this.leases.observe(memoryKey, object, true);
      const deleted = [
        makeUnifiedEvent(raw, context, 'resource_deleted', 'lifecycle', {
          entity,
          k8sContext,
          message: `${label} deleted`,
          kubernetes: { watchType: 'DELETED', object: facts },
        }),
      ];
      if (meta.kind === 'ConfigMap' || meta.kind === 'Secret') {
        // Deleting configuration is a change to it too: every pod started after it that
        // uses it fails (CreateContainerConfigError, FailedMount), as after a bad edit.
        const changes = diffMaps(previous?.digest ?? digestOf(meta.kind, object) ?? {}, {}, 'data', true);
        const keys = changes.map((change) => change.path.slice(5)).join(', ');
        deleted.push(
          makeUnifiedEvent(raw, context, meta.kind === 'ConfigMap' ? 'config_changed' : 'secret_changed', 'config-deleted', {
            entity,
            k8sContext,
            message: `${label} deleted${keys ? ` (data keys ${keys})` : ''}`,
            kubernetes: { watchType: 'DELETED', object: facts, changes },
          }),
        );
      }
      return deleted;
    }

    const remembered: Remembered = { facts };
    // A workload's spec only changes with its generation: status-only versions (most
    // of them) reuse the previous digest instead of re-reading the pod template.
    const unchangedSpec = WORKLOAD_KINDS.has(meta.kind) && previous?.digest !== undefined && facts.generation !== undefined && facts.generation === previous.facts.generation;
    const digest = unchangedSpec ? previous?.digest : digestOf(meta.kind, object);
    if (digest) remembered.digest = digest;
    if (meta.kind === 'Pod') remembered.pod = podMemory(object);
    if (meta.kind === 'Deployment') remembered.progressing = progressingReason(object);
    if (meta.kind === 'Secret') remembered.metadata = metadataDigest(object);
    this.objects.set(memoryKey, remembered);

    const signals: Signal[] = [];
    if (meta.kind === 'Pod') {
      signals.push(...podSignals(live?.pod ? { facts: live.facts, memory: live.pod } : undefined, facts, remembered.pod as PodMemory, object));
    } else if (meta.kind === 'Node') {
      signals.push(...nodeSignals(live?.facts, facts));
    } else if (meta.kind === 'Deployment' && live) {
      signals.push(...rolloutSignals(live.progressing, remembered.progressing, facts, object));
    } else if (meta.kind === 'Endpoints' || meta.kind === 'EndpointSlice') {
      const signal = this.endpoints.observe(context.cluster, meta.kind, facts, false);
      if (signal) signals.push({ ...signal, about: { kind: 'Service', name: signal.service, ...(meta.namespace ? { namespace: meta.namespace } : {}) } });
    } else if (meta.kind === 'Lease') {
      signals.push(...this.leases.observe(memoryKey, object, false));
    }

    const events: UnifiedEvent[] = [];
    if (!previous) {
      events.push(
        makeUnifiedEvent(raw, context, 'resource_created', 'lifecycle', {
          entity,
          k8sContext,
          message: verb === 'ADDED' ? `${label} exists` : `${label} seen`,
          kubernetes: { watchType: verb, object: facts },
        }),
      );
    } else {
      const change = previous.stored ? this.classifyAgainstStored(meta.kind, previous.facts, facts, label) : this.classify(meta.kind, previous, remembered, label);
      if (change || !sameFacts(previous.facts, facts)) {
        const type = change?.type ?? 'resource_updated';
        events.push(
          makeUnifiedEvent(raw, context, type, 'lifecycle', {
            entity,
            k8sContext,
            message: change?.message ?? `${label} updated`,
            kubernetes: { watchType: verb, object: facts, ...(change?.changes.length ? { changes: change.changes } : {}) },
          }),
        );
      }
    }
    for (const signal of signals) {
      const target: EntityRef = signal.about ? { ...signal.about, cluster: context.cluster } : entity;
      events.push(
        makeUnifiedEvent(raw, context, signal.type, `signal:${signal.key}`, {
          entity: target,
          k8sContext: target === entity ? k8sContext : this.contextOf(target, undefined),
          message: signal.message,
          ...(signal.severity ? { severity: signal.severity } : {}),
          ...(signal.kubernetes ? { kubernetes: signal.kubernetes } : {}),
        }),
      );
    }
    return events;
  }

  /** Names what kind of change a MODIFIED is, with its semantic diff; undefined when nothing meaningful changed. */
  private classify(kind: string, previous: Remembered, current: Remembered, label: string): { type: EventType; message: string; changes: ChangeItem[] } | undefined {
    const before = previous.digest ?? {};
    const after = current.digest ?? {};
    if (kind === 'Secret') return this.classifySecret(previous, current, label);
    if (isPolicyKind(kind)) {
      const changes = diffMaps(before, after, 'spec');
      if (!changes.length) return undefined;
      return { type: policyChangeType(kind), message: `${label} changed: ${describeChanges(changes)}`, changes };
    }
    if (kind === 'ConfigMap') {
      const changes = diffMaps(before, after, 'data', true);
      if (!changes.length) return undefined;
      return { type: kind === 'ConfigMap' ? 'config_changed' : 'secret_changed', message: `${label} changed: ${describeDataChanges(changes)}`, changes };
    }
    if (WORKLOAD_KINDS.has(kind)) {
      const changes = diffMaps(before, after, 'spec');
      if (!changes.length) return undefined;
      const templateChanges = changes.filter((change) => change.path !== 'spec.replicas');
      if (templateChanges.length) return { type: 'workload_spec_changed', message: `${label} pod template changed: ${describeChanges(templateChanges)}`, changes };
      return { type: 'workload_scaled', message: `${label} scaled: ${describeChanges(changes)}`, changes };
    }
    if (kind === 'Service' || kind === 'NetworkPolicy' || kind === 'Node') {
      const changes = diffMaps(before, after, 'spec');
      if (!changes.length) return undefined;
      const type: EventType = kind === 'Service' ? 'service_changed' : kind === 'NetworkPolicy' ? 'network_policy_changed' : 'node_spec_changed';
      return { type, message: `${label} changed: ${describeChanges(changes)}`, changes };
    }
    const changes = this.factChanges(previous.facts, current.facts);
    if (!changes.length) return undefined;
    return { type: kind === 'Endpoints' || kind === 'EndpointSlice' ? 'endpoints_changed' : 'resource_updated', message: `${label} updated: ${describeChanges(changes)}`, changes };
  }

  /**
   * Names a change against a version known only from the graph: its facts carry a content
   * hash and the data keys of configuration, and a workload's generation and replicas, but
   * not the old values, so the change says what is known and that the rest is not.
   */
  private classifyAgainstStored(kind: string, before: K8sObjectFacts, after: K8sObjectFacts, label: string): { type: EventType; message: string; changes: ChangeItem[] } | undefined {
    const unseen = 'while Tapio was not watching';
    if (kind === 'Secret' && before.contentHash === undefined && after.contentHash === undefined) {
      // Values not read: a resourceVersion that moved under unchanged labels and owners is taken as a content change.
      const moved = before.resourceVersion !== undefined && before.resourceVersion !== after.resourceVersion;
      if (!moved || !sameJson(before.labels, after.labels) || !sameJson(before.ownerReferences, after.ownerReferences)) return undefined;
      return { type: 'secret_changed', message: `${label} changed ${unseen}: data edited (values are not read)`, changes: [{ path: 'data', op: 'changed' }] };
    }
    if (kind === 'ConfigMap' || kind === 'Secret') {
      if (before.contentHash === undefined || before.contentHash === after.contentHash) return undefined;
      const was = new Set(before.dataKeys ?? []);
      const now = new Set(after.dataKeys ?? []);
      const changes: ChangeItem[] = [
        ...[...now].filter((key) => !was.has(key)).map((key): ChangeItem => ({ path: `data.${key}`, op: 'added' })),
        ...[...was].filter((key) => !now.has(key)).map((key): ChangeItem => ({ path: `data.${key}`, op: 'removed' })),
      ];
      if (!changes.length) changes.push({ path: 'data', op: 'changed' });
      return { type: kind === 'ConfigMap' ? 'config_changed' : 'secret_changed', message: `${label} changed ${unseen}: ${describeDataChanges(changes)}`, changes };
    }
    if (WORKLOAD_KINDS.has(kind) && before.generation !== undefined && before.generation !== after.generation) {
      if (before.replicas !== after.replicas) {
        return { type: 'workload_scaled', message: `${label} scaled ${unseen}: replicas ${before.replicas ?? '?'} → ${after.replicas ?? '?'}`, changes: [{ path: 'spec.replicas', op: 'changed', before: String(before.replicas ?? ''), after: String(after.replicas ?? '') }] };
      }
      return { type: 'workload_spec_changed', message: `${label} pod template changed ${unseen} (generation ${before.generation} → ${after.generation})`, changes: [{ path: 'spec.template', op: 'changed' }] };
    }
    const changes = this.factChanges(before, after);
    if (!changes.length) return undefined;
    return { type: kind === 'Endpoints' || kind === 'EndpointSlice' ? 'endpoints_changed' : 'resource_updated', message: `${label} updated ${unseen}: ${describeChanges(changes)}`, changes };
  }

  /**
   * Keys added or removed, fingerprints that differ; without fingerprints (metadata only),
   * a resourceVersion that moved while all the metadata stayed: only the content can have changed.
   */
  private classifySecret(previous: Remembered, current: Remembered, label: string): { type: EventType; message: string; changes: ChangeItem[] } | undefined {
    const changes = diffMaps(previous.digest ?? {}, current.digest ?? {}, 'data', true);
    if (changes.length) return { type: 'secret_changed', message: `${label} changed: ${describeDataChanges(changes)}`, changes };
    const moved = previous.facts.resourceVersion !== undefined && previous.facts.resourceVersion !== current.facts.resourceVersion;
    if (!moved || !contentUnread(current.digest) || previous.metadata === undefined || previous.metadata !== current.metadata) return undefined;
    return { type: 'secret_changed', message: `${label} changed: data edited (values are not read; its resourceVersion moved while its metadata stayed)`, changes: [{ path: 'data', op: 'changed' }] };
  }

  private factChanges(before: K8sObjectFacts, after: K8sObjectFacts): ChangeItem[] {
    const flat = (facts: K8sObjectFacts): Record<string, string> => {
      const result: Record<string, string> = {};
      for (const key of ['replicas', 'readyReplicas', 'readyEndpoints', 'notReadyEndpoints', 'phase', 'ready', 'nodeName', 'podIP', 'volumeName'] as const) {
        if (facts[key] !== undefined) result[key] = String(facts[key]);
      }
      return result;
    };
    return diffMaps(flat(before), flat(after));
  }

  private kubernetesEvent(raw: RawEvent, context: TransformContext, verb: 'ADDED' | 'MODIFIED' | 'DELETED', object: Json, meta: ObjectMeta): UnifiedEvent[] {
    const foldKey = `${context.cluster}|${meta.uid}`;
    if (verb === 'DELETED') {
      this.folded.delete(foldKey);
      return [];
    }
    const involved = obj(object['involvedObject'] ?? object['regarding']);
    const kind = str(involved['kind']);
    const name = str(involved['name']);
    if (!kind || !name) throw new Error(`kubeapi: Event ${meta.namespace ?? ''}/${meta.name} has no involvedObject kind/name`);
    const reason = str(object['reason']) ?? 'Unknown';
    const message = str(object['message']) ?? str(object['note']) ?? '';
    const eventType = str(object['type']) ?? 'Normal';
    const series = obj(object['series']);
    const count = typeof object['count'] === 'number' ? object['count'] : typeof series['count'] === 'number' ? series['count'] : 1;
    const at = Date.parse(raw.timestamp);
    const previous = this.folded.get(foldKey);
    if (previous && count < previous.count * 2 && at - previous.at < this.refoldMs) return [];
    this.folded.set(foldKey, { count, at });

    const namespace = CLUSTER_SCOPED_KINDS.has(kind) ? undefined : (str(involved['namespace']) ?? meta.namespace);
    const uid = str(involved['uid']);
    const entity: EntityRef = {
      kind,
      name,
      cluster: context.cluster,
      ...(namespace ? { namespace } : {}),
      ...(uid && kind !== 'Node' ? { uid } : {}),
    };
    const mapping = mapEventReason(reason, message, eventType, kind);
    const fieldPath = str(involved['fieldPath']);
    const container = fieldPath ? /\{(.+)\}/.exec(fieldPath)?.[1] : undefined;
    const source = obj(object['source']);
    const component = str(object['reportingComponent']) || str(source['component']) || str(object['reportingController']);
    const kubernetes: KubernetesData = {
      eventReason: reason,
      eventType,
      count,
      ...(str(object['firstTimestamp']) ? { firstTimestamp: str(object['firstTimestamp']) as string } : {}),
      ...(str(object['lastTimestamp']) ? { lastTimestamp: str(object['lastTimestamp']) as string } : {}),
      ...(component ? { reportingComponent: component } : {}),
      ...(container ? { container } : {}),
      reason,
    };
    return [
      makeUnifiedEvent(raw, context, mapping.type, `event:${count}`, {
        entity,
        k8sContext: this.contextOf(entity, undefined),
        message: `${reason}: ${message}${count > 1 ? ` (x${count})` : ''}`,
        ...(mapping.severity ? { severity: mapping.severity } : {}),
        kubernetes,
        annotations: { k8s_event: `${meta.namespace ?? ''}/${meta.name}` },
      }),
    ];
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

import { BINDING_KINDS, DEFAULT_CHANGE_LIMITS, isRbacKind, type ChangeItem, type ChangeLimits, type EventType, type K8sObjectFacts } from '@tapio/domain';
import { configMapChanges, describeConfigChanges, type ConfigContent } from './config-content.js';
import { keyHashes } from './content-hash.js';
import { ingressDigest } from './ingress-routes.js';
import type { Json } from './k8s-object.js';
import { obj } from './k8s-object.js';
import type { LeaseState } from './lease-heartbeats.js';
import type { PodMemory } from './pod-signals.js';
import { accessRevoked, accountsRevoked, bindingDigestOfFacts, describeAccessChange, rbacDigest, revokedAnnotations } from './rbac-kinds.js';
import { admissionDigest, isPolicyKind, policyChangeType, policyDigest } from './policy-kinds.js';
import { contentUnread, secretDigest } from './secret-facts.js';
import { cronJobDigest, describeChanges, diffMaps, networkPolicyDigest, nodeSpecDigest, serviceDigest, templateDigest } from './semantic-diff.js';

/**
 * How the kubeapi transformer names a change: what it remembers of an object's previous
 * version, and the comparison of two versions (or of a version with facts the graph kept)
 * that gives a change its type, message and semantic diff.
 */

export type Classified = { type: EventType; message: string; changes: ChangeItem[]; annotations?: Record<string, string> };

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** Kinds whose spec carries a pod template: the workloads, and CronJob (in its job template). */
export const TEMPLATE_KINDS = new Set([...WORKLOAD_KINDS, 'CronJob']);

/** What is remembered of an object between its versions (never Secret values). */
export interface Remembered {
  facts: K8sObjectFacts;
  digest?: Record<string, string>;
  pod?: PodMemory;
  progressing?: string | undefined;
  /** A ConfigMap's content (text within limits.maxConfigBytes, sizes), to tell an edit by its lines. */
  content?: ConfigContent;
  /** A Secret's metadata digest: its resourceVersion moving while this stays means its content changed. */
  metadata?: string;
  /** A Lease's holder and last renewal. */
  lease?: LeaseState;
  /** Known only from the graph (a restarted Tapio): facts, but no digests or pod memory. */
  stored?: true;
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

export function digestOf(kind: string, object: Json): Record<string, string> | undefined {
  const spec = obj(object['spec']);
  if (WORKLOAD_KINDS.has(kind)) return { ...templateDigest(obj(spec['template'])), replicas: String(spec['replicas'] ?? '') };
  if (kind === 'CronJob') return cronJobDigest(spec);
  if (kind === 'ConfigMap') return keyHashes(object);
  if (kind === 'Secret') return secretDigest(object);
  if (isPolicyKind(kind)) return policyDigest(kind, object);
  if (kind === 'Service') return serviceDigest(spec);
  if (kind === 'NetworkPolicy') return networkPolicyDigest(spec);
  if (kind === 'Node') return nodeSpecDigest(spec);
  if (kind === 'Ingress') return ingressDigest(object);
  if (kind === 'Namespace') return admissionDigest(object);
  if (isRbacKind(kind)) return rbacDigest(kind, object);
  return undefined;
}

/** Names what kind of change a MODIFIED is, with its semantic diff; undefined when nothing meaningful changed. */
export function classify(kind: string, previous: Remembered, current: Remembered, label: string, limits: ChangeLimits = DEFAULT_CHANGE_LIMITS): Classified | undefined {
  const before = previous.digest ?? {};
  const after = current.digest ?? {};
  if (kind === 'Secret') return classifySecret(previous, current, label);
  if (isRbacKind(kind)) return classifyPermission(before, after, label);
  if (isPolicyKind(kind)) {
    const changes = diffMaps(before, after, 'spec');
    if (!changes.length) return undefined;
    return { type: policyChangeType(kind), message: `${label} changed: ${describeChanges(changes)}`, changes };
  }
  if (kind === 'ConfigMap') {
    const changes = current.content ? configMapChanges(before, after, previous.content, current.content, limits) : diffMaps(before, after, 'data', true);
    if (!changes.length) return undefined;
    return { type: 'config_changed', message: `${label} changed: ${describeConfigChanges(changes)}`, changes };
  }
  if (TEMPLATE_KINDS.has(kind)) {
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
  if (kind === 'Ingress') {
    // Its routes (host/path → Service:port) and TLS Secrets: what users entering through it reach.
    const changes = diffMaps(before, after, 'spec');
    if (!changes.length) return undefined;
    return { type: 'resource_updated', message: `${label} routes changed: ${describeChanges(changes)}`, changes };
  }
  if (kind === 'Namespace') {
    // Its Pod Security labels decide which pods it admits from now on; other updates (its phase) are facts.
    const changes = diffMaps(before, after, 'metadata');
    if (changes.length) return { type: 'admission_policy_changed', message: `${label} changed its Pod Security admission: ${describeChanges(changes)}`, changes };
  }
  const changes = factChanges(previous.facts, current.facts);
  if (!changes.length) return undefined;
  return { type: kind === 'Endpoints' || kind === 'EndpointSlice' ? 'endpoints_changed' : 'resource_updated', message: `${label} updated: ${describeChanges(changes)}`, changes };
}

/**
 * Names a change against a version known only from the graph: its facts carry a content
 * hash and the data keys of configuration, and a workload's generation and replicas, but
 * not the old values, so the change says what is known and that the rest is not.
 */
export function classifyAgainstStored(kind: string, before: K8sObjectFacts, after: K8sObjectFacts, label: string): Classified | undefined {
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
    return { type: kind === 'ConfigMap' ? 'config_changed' : 'secret_changed', message: `${label} changed ${unseen}: ${describeConfigChanges(changes)}`, changes };
  }
  // A binding's subjects are in its facts (a role's rules are not: its changes unseen stay unknown).
  if (BINDING_KINDS.has(kind)) return classifyPermission(bindingDigestOfFacts(before), bindingDigestOfFacts(after), label, ` ${unseen}`);
  if (TEMPLATE_KINDS.has(kind) && before.generation !== undefined && before.generation !== after.generation) {
    if (before.replicas !== after.replicas) {
      return { type: 'workload_scaled', message: `${label} scaled ${unseen}: replicas ${before.replicas ?? '?'} → ${after.replicas ?? '?'}`, changes: [{ path: 'spec.replicas', op: 'changed', before: String(before.replicas ?? ''), after: String(after.replicas ?? '') }] };
    }
    return { type: 'workload_spec_changed', message: `${label} pod template changed ${unseen} (generation ${before.generation} → ${after.generation})`, changes: [{ path: 'spec.template', op: 'changed' }] };
  }
  const changes = factChanges(before, after);
  if (!changes.length) return undefined;
  return { type: kind === 'Endpoints' || kind === 'EndpointSlice' ? 'endpoints_changed' : 'resource_updated', message: `${label} updated ${unseen}: ${describeChanges(changes)}`, changes };
}

/**
 * Keys added or removed, fingerprints that differ; without fingerprints (metadata only),
 * a resourceVersion that moved while all the metadata stayed: only the content can have changed.
 */
export function classifySecret(previous: Remembered, current: Remembered, label: string): Classified | undefined {
  const changes = diffMaps(previous.digest ?? {}, current.digest ?? {}, 'data', true);
  // Keys first known now (the first `kubectl apply` of a Secret made with `kubectl create` writes the
  // last-applied annotation) were there before: with its values unread, that is an edit, not new keys.
  const firstKnown = Object.keys(previous.digest ?? {}).length === 0 && contentUnread(current.digest) && changes.every((change) => change.op === 'added');
  if (changes.length && firstKnown) return { type: 'secret_changed', message: `${label} changed: data edited (values are not read; keys ${Object.keys(current.digest ?? {}).join(', ')})`, changes: [{ path: 'data', op: 'changed' }] };
  if (changes.length) return { type: 'secret_changed', message: `${label} changed: ${describeConfigChanges(changes)}`, changes };
  const moved = previous.facts.resourceVersion !== undefined && previous.facts.resourceVersion !== current.facts.resourceVersion;
  if (!moved || !contentUnread(current.digest) || previous.metadata === undefined || previous.metadata !== current.metadata) return undefined;
  return { type: 'secret_changed', message: `${label} changed: data edited (values are not read; its resourceVersion moved while its metadata stayed)`, changes: [{ path: 'data', op: 'changed' }] };
}

export function factChanges(before: K8sObjectFacts, after: K8sObjectFacts): ChangeItem[] {
  const flat = (facts: K8sObjectFacts): Record<string, string> => {
    const result: Record<string, string> = {};
    for (const key of ['replicas', 'readyReplicas', 'readyEndpoints', 'notReadyEndpoints', 'phase', 'ready', 'nodeName', 'podIP', 'volumeName'] as const) {
      if (facts[key] !== undefined) result[key] = String(facts[key]);
    }
    // A ServiceAccount's pull credentials: dropping one breaks the next pulls of every pod running as it.
    if (facts.imagePullSecrets?.length) result['imagePullSecrets'] = facts.imagePullSecrets.join(', ');
    return result;
  };
  return diffMaps(flat(before), flat(after));
}

/** A Role's rules or a binding's subjects changed: `access: revoked` when it took any access away, with what. */
function classifyPermission(before: Record<string, string>, after: Record<string, string>, label: string, when = ''): Classified | undefined {
  const changes = diffMaps(before, after);
  if (!changes.length) return undefined;
  const revoked = accessRevoked(before, after);
  const annotations = revoked.length ? revokedAnnotations(revoked, accountsRevoked(before, after)) : { access: 'granted' };
  return { type: 'permission_changed', message: `${describeAccessChange(label, revoked, changes, describeChanges)}${when}`, changes, annotations };
}

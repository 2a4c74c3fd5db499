import type { ChangeItem } from '@tapio/domain';
import { canonical } from './canonical.js';
import { contentHash } from './content-hash.js';
import { arr, obj, str, type Json } from './k8s-object.js';

/**
 * The parts of a pod template whose change matters to "why did it break": per container
 * (init containers too) image, env, resources, probes, command and every other field it sets
 * (ports, volume mounts, security context...), plus template annotations (a
 * `checksum/config` bump is how many pipelines roll a ConfigMap change out), template labels
 * (what Services select), volumes and every other field of the pod spec (service account,
 * affinity, priority class...). A field left out here is a rollout Tapio cannot see: an init
 * container added by a release went unnoticed until every field counted.
 */
export type TemplateDigest = Record<string, string>;

/** Container fields read one by one below (env by variable, resources by quantity); every other field counts whole. */
const CONTAINER_FIELDS = new Set(['name', 'image', 'env', 'envFrom', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe', 'command', 'args']);
/** Pod spec fields read on their own below (volumes, node selector and tolerations keep their historical keys). */
const POD_SPEC_FIELDS = new Set(['containers', 'initContainers', 'volumes', 'nodeSelector', 'tolerations']);
/** A value too long to show in a change is compared by its hash (a pod's affinity, a long security context). */
const SHOWN_LENGTH = 200;

function shownOrHashed(value: unknown): string {
  const text = canonical(value);
  return text.length > SHOWN_LENGTH ? contentHash(text) : text;
}

function containerDigest(digest: TemplateDigest, container: Json, prefix: string): void {
  if (container['image'] !== undefined) digest[`${prefix}.image`] = String(container['image']);
  for (const env of arr(container['env'])) {
    const envName = str(env['name']);
    if (envName) digest[`${prefix}.env.${envName}`] = env['value'] !== undefined ? String(env['value']) : `valueFrom:${canonical(env['valueFrom'])}`;
  }
  if (container['envFrom'] !== undefined) digest[`${prefix}.envFrom`] = canonical(container['envFrom']);
  const resources = obj(container['resources']);
  for (const section of ['limits', 'requests']) {
    for (const [resource, quantity] of Object.entries(obj(resources[section]))) digest[`${prefix}.resources.${section}.${resource}`] = String(quantity);
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (container[probe] !== undefined) digest[`${prefix}.${probe}`] = canonical(container[probe]);
  }
  if (container['command'] !== undefined) digest[`${prefix}.command`] = canonical(container['command']);
  if (container['args'] !== undefined) digest[`${prefix}.args`] = canonical(container['args']);
  for (const field in container) if (!CONTAINER_FIELDS.has(field) && container[field] !== undefined) digest[`${prefix}.${field}`] = shownOrHashed(container[field]);
}

export function templateDigest(template: Json): TemplateDigest {
  const digest: TemplateDigest = {};
  const metadata = obj(template['metadata']);
  const spec = obj(template['spec']);
  for (const [key, value] of Object.entries(obj(metadata['annotations']))) digest[`template.annotations.${key}`] = String(value);
  // Template labels decide which Services select the new pods: a change can empty a Service.
  for (const [key, value] of Object.entries(obj(metadata['labels']))) digest[`template.labels.${key}`] = String(value);
  for (const container of arr(spec['containers'])) containerDigest(digest, container, `containers[${str(container['name']) ?? '?'}]`);
  for (const container of arr(spec['initContainers'])) containerDigest(digest, container, `initContainers[${str(container['name']) ?? '?'}]`);
  if (spec['volumes'] !== undefined) digest['volumes'] = contentHash(canonical(spec['volumes']));
  if (spec['nodeSelector'] !== undefined) digest['nodeSelector'] = canonical(spec['nodeSelector']);
  if (spec['tolerations'] !== undefined) digest['tolerations'] = contentHash(canonical(spec['tolerations']));
  for (const field in spec) if (!POD_SPEC_FIELDS.has(field) && spec[field] !== undefined) digest[`template.spec.${field}`] = shownOrHashed(spec[field]);
  return digest;
}

/**
 * A CronJob's pod template is its job template's; the Jobs' retry bound and deadline are part of
 * what a release of a batch job changes (keys `jobTemplate.*`). The schedule is not: when a job
 * runs is not why it fails.
 */
export function cronJobDigest(spec: Json): TemplateDigest {
  const job = obj(obj(spec['jobTemplate'])['spec']);
  const digest = templateDigest(obj(job['template']));
  for (const field of ['backoffLimit', 'activeDeadlineSeconds', 'completions', 'parallelism']) {
    if (job[field] !== undefined) digest[`jobTemplate.${field}`] = String(job[field]);
  }
  return digest;
}

const SECRET_LIKE = /(password|secret|token|key|credential)/i;

/** Key-by-key comparison; values of secret-looking keys are never copied into the change. */
export function diffMaps(before: Record<string, string>, after: Record<string, string>, prefix = '', hideValues = false): ChangeItem[] {
  // Most versions change none of the keys compared: say so without sorting both key lists.
  if (sameStrings(before, after)) return [];
  const changes: ChangeItem[] = [];
  const path = (key: string) => (prefix ? `${prefix}.${key}` : key);
  const shown = (key: string, value: string | undefined) => (hideValues || SECRET_LIKE.test(key) || value === undefined ? undefined : value.length > 200 ? `${value.slice(0, 197)}...` : value);
  // Only the keys that differ are sorted (a handful of a pod's or a spec's dozens): the same
  // order as all keys sorted, without copying and sorting the whole list per changed version.
  const differing: string[] = [];
  for (const key in after) if (!(key in before) || before[key] !== after[key]) differing.push(key);
  for (const key of differing.sort()) {
    if (!(key in before)) {
      const value = shown(key, after[key]);
      changes.push({ path: path(key), op: 'added', ...(value !== undefined ? { after: value } : {}) });
    } else {
      const was = shown(key, before[key]);
      const now = shown(key, after[key]);
      changes.push({ path: path(key), op: 'changed', ...(was !== undefined ? { before: was } : {}), ...(now !== undefined ? { after: now } : {}) });
    }
  }
  const removed: string[] = [];
  for (const key in before) if (!(key in after)) removed.push(key);
  for (const key of removed.sort()) changes.push({ path: path(key), op: 'removed' });
  return changes;
}

/** Whether two string maps hold the same keys with the same values (keys in any order). */
function sameStrings(before: Record<string, string>, after: Record<string, string>): boolean {
  let keys = 0;
  for (const key in after) {
    if (!(key in before) || before[key] !== after[key]) return false;
    keys += 1;
  }
  for (const _key in before) keys -= 1;
  return keys === 0;
}

/** A digest (a `checksum/config` annotation: 64 hex digits) says nothing to a reader beyond "it changed": shown as its first 7 digits, as git does. */
export function readableValue(value: string): string {
  return /^[0-9a-f]{32,}$/i.test(value) ? `${value.slice(0, 7)}…` : value;
}

/** One change as a reader sees it: the path, and what it was and became where the values are shown. */
function describeChange(change: ChangeItem): string {
  if (change.op === 'changed' && change.before !== undefined && change.after !== undefined) return `${change.path} ${readableValue(change.before)} -> ${readableValue(change.after)}`;
  // What was added is what a reader asks next ("nodeSelector added: which label?"); a hidden value stays hidden.
  if (change.op === 'added' && change.after !== undefined) return `${change.path} added: ${readableValue(change.after)}`;
  return `${change.path} ${change.op}`;
}

const CONTAINER_FIELD = /^(.*(?:containers|initContainers)\[[^\]]*\])\.(.+)$/;

/**
 * A container added or removed whole (a sidecar a release adds) is every one of its fields
 * added or removed, its image among them: said once, "spec.containers[log-shipper] added
 * (image busybox:1.36)", instead of a field at a time.
 */
function wholeContainers(changes: readonly ChangeItem[]): Array<ChangeItem | string> {
  const groups = new Map<string, ChangeItem[]>();
  for (const change of changes) {
    const container = CONTAINER_FIELD.exec(change.path)?.[1];
    if (container !== undefined) groups.set(container, [...(groups.get(container) ?? []), change]);
  }
  const whole = new Map<string, string>();
  for (const [container, fields] of groups) {
    const op = fields[0]?.op;
    const image = fields.find((field) => field.path === `${container}.image`);
    if (!image || op === 'changed' || fields.some((field) => field.op !== op)) continue;
    const value = op === 'added' ? image.after : image.before;
    whole.set(container, `${container} ${op}${value !== undefined ? ` (image ${value})` : ''}`);
  }
  const told = new Set<string>();
  const result: Array<ChangeItem | string> = [];
  for (const change of changes) {
    const container = CONTAINER_FIELD.exec(change.path)?.[1];
    const said = container === undefined ? undefined : whole.get(container);
    if (said === undefined) result.push(change);
    else if (!told.has(said)) result.push((told.add(said), said));
  }
  return result;
}

export function describeChanges(changes: readonly ChangeItem[], limit = 3): string {
  const items = wholeContainers(changes);
  const shown = items.slice(0, limit).map((item) => (typeof item === 'string' ? item : describeChange(item)));
  return items.length > limit ? `${shown.join(', ')} and ${items.length - limit} more` : shown.join(', ');
}

export function serviceDigest(spec: Json): Record<string, string> {
  const digest: Record<string, string> = {};
  for (const [key, value] of Object.entries(obj(spec['selector']))) digest[`selector.${key}`] = String(value);
  for (const port of arr(spec['ports'])) {
    const name = str(port['name']) ?? String(port['port']);
    digest[`ports[${name}]`] = `${String(port['port'])}/${str(port['protocol']) ?? 'TCP'}->${String(port['targetPort'] ?? port['port'])}`;
  }
  if (spec['type'] !== undefined) digest['type'] = String(spec['type']);
  // An ExternalName Service is an alias: the name it points at is where its callers' calls go.
  if (spec['externalName'] !== undefined) digest['externalName'] = String(spec['externalName']);
  return digest;
}

export function networkPolicyDigest(spec: Json): Record<string, string> {
  return {
    podSelector: canonical(spec['podSelector'] ?? {}),
    ingress: canonical(spec['ingress'] ?? null),
    egress: canonical(spec['egress'] ?? null),
    policyTypes: canonical(spec['policyTypes'] ?? null),
  };
}

export function nodeSpecDigest(spec: Json): Record<string, string> {
  const digest: Record<string, string> = { unschedulable: String(spec['unschedulable'] === true) };
  for (const taint of arr(spec['taints'])) digest[`taints.${str(taint['key']) ?? ''}:${str(taint['effect']) ?? ''}`] = String(taint['value'] ?? '');
  return digest;
}

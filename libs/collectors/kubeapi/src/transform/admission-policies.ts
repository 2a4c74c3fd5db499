import type { ChangeItem, K8sObjectFacts } from '@tapio/domain';
import { contentHash } from './content-hash.js';
import { obj, type Json } from './k8s-object.js';
import { restoredSummary, WEBHOOK_CONFIGURATION_KINDS, webhookSummary, type TrackedSummary } from './webhook-calls.js';

/** The label by which a Namespace enforces a Pod Security Standard (privileged, baseline, restricted). */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/**
 * What is kept per object: a Namespace's enforced level ('' for none) and when Tapio saw it
 * change; when a PriorityClass or ServiceAccount was deleted; for a webhook configuration or a
 * ResourceQuota, a digest of what it asks (a configuration's webhooks, whose names are kept too;
 * a quota's hard limits) and when it was created or last changed.
 */
export interface AdmissionPolicyState {
  enforce?: string;
  changedAt?: number;
  deletedAt?: number;
  webhooks?: string[];
  /** A webhook configuration's Services (`namespace/name`). */
  services?: string[];
  digest?: string;
  /** A PriorityClass's value, and when it was created again with a lower one (its value is immutable: deleting and creating it is the only way to change it). */
  value?: number;
  loweredAt?: number;
  /** A PriorityClass that is the cluster's global default (pods naming none get its value), and when one stopped being it. */
  globalDefault?: boolean;
  defaultUntil?: number;
}

/** The webhook configuration a refusal's webhook belongs to, and when it was created or last changed (undefined: not known). */
export interface WebhookConfiguration {
  kind: string;
  name: string;
  changedAt: number | undefined;
}

/** How many workloads' resource changes are kept, and for how long they are worth keeping once that many are. */
const MAX_RESOURCE_CHANGES = 4_096;
const RESOURCE_CHANGE_MEMORY_MS = 60 * 60_000;

/** The kinds whose versions AdmissionPolicies reads. */
export const ADMISSION_KINDS: ReadonlySet<string> = new Set(['Namespace', 'PriorityClass', 'ServiceAccount', 'ResourceQuota', ...WEBHOOK_CONFIGURATION_KINDS]);

/** An object's durable key: `cluster|kind|name` for a cluster-scoped one, `cluster|kind|namespace/name` for a namespaced one. */
function objectKey(cluster: string, kind: string, name: string, namespace: string | null | undefined): string {
  return namespace ? `${cluster}|${kind}|${namespace}/${name}` : `${cluster}|${kind}|${name}`;
}

/** A ResourceQuota's hard limits, as one digest: raising or lowering any, or adding one, is a change. */
function quotaSummary(object: Json): TrackedSummary {
  return { digest: contentHash(obj(obj(object['spec'])['hard'])) };
}

/**
 * What admission refuses pods for, and when it changed: the Pod Security level each watched
 * Namespace enforces, the PriorityClasses and ServiceAccounts deleted while Tapio watched, the
 * webhooks each webhook configuration makes admission call, and when each ResourceQuota's
 * limits were set (a quota on limits makes every new pod name its limits).
 * A controller's pod refused for violating PodSecurity, or for naming a PriorityClass or
 * ServiceAccount that is not there, is that object's doing when it changed shortly before (a
 * level raised while pods ran, a class or account deleted before a routine restart), and the
 * workload's when nothing changed and a new template broke it (or named one never created).
 * Kept as durable entries (`cluster|kind|name` -> state) like the other trackers, so a
 * restarted transformer still knows.
 */
export class AdmissionPolicies {
  private readonly states = new Map<string, AdmissionPolicyState>();
  /** Workloads whose containers' resources changed lately, oldest first. */
  private readonly resourcesChanged = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private tracking = false;

  /**
   * A watched object at `at` (ms; undefined: read from the graph, not seen changing), with its
   * whole `object` when the watch delivered it (a webhook configuration's webhooks are read
   * and a quota's limits from it); kinds other than Namespace, PriorityClass, ServiceAccount,
   * ResourceQuota and the two webhook configurations are ignored.
   */
  observe(cluster: string, facts: K8sObjectFacts, deleted: boolean, at?: number, object?: Json): void {
    const key = objectKey(cluster, facts.kind, facts.name, facts.namespace);
    if (facts.kind === 'Namespace') this.namespace(key, facts, deleted, at);
    else if (facts.kind === 'PriorityClass') this.priorityClass(key, facts, deleted, at, object);
    else if (facts.kind === 'ServiceAccount') this.deletable(key, deleted, at);
    else if (WEBHOOK_CONFIGURATION_KINDS.has(facts.kind)) this.changeTracked(key, facts, deleted, at, object && webhookSummary(object));
    else if (facts.kind === 'ResourceQuota') this.changeTracked(key, facts, deleted, at, object && quotaSummary(object));
  }

  /** Whether the ResourceQuota (or webhook configuration) was created or changed at or after `sinceMs` and at or before `untilMs`. */
  createdOrChangedBetween(cluster: string, kind: string, name: string, namespace: string | undefined, sinceMs: number, untilMs: number): boolean {
    const at = this.states.get(objectKey(cluster, kind, name, namespace))?.changedAt;
    return at !== undefined && at >= sinceMs && at <= untilMs;
  }

  /**
   * A workload's pod template changed at `at`: kept when the change touched a container's
   * resources (requests or limits), so a quota that requires them can tell whether it or the
   * workload changed last. Not durable: only the last half hour is asked about.
   */
  templateChanged(cluster: string, kind: string, name: string, namespace: string | undefined, changes: readonly ChangeItem[], at: number): void {
    if (!changes.some((change) => change.path.includes('.resources.'))) return;
    if (this.resourcesChanged.size >= MAX_RESOURCE_CHANGES) this.forgetResourceChangesBefore(at - RESOURCE_CHANGE_MEMORY_MS);
    this.resourcesChanged.delete(objectKey(cluster, kind, name, namespace));
    this.resourcesChanged.set(objectKey(cluster, kind, name, namespace), at);
  }

  /** When the workload's containers' resources last changed while watched (within the last half hour or so). */
  resourcesChangedAt(cluster: string, kind: string, name: string, namespace: string | undefined): number | undefined {
    return this.resourcesChanged.get(objectKey(cluster, kind, name, namespace));
  }

  private forgetResourceChangesBefore(ms: number): void {
    // Oldest first (a key is moved to the end when it changes again): stop at the first kept.
    for (const [key, at] of this.resourcesChanged) {
      if (at >= ms && this.resourcesChanged.size < MAX_RESOURCE_CHANGES) return;
      this.resourcesChanged.delete(key);
    }
  }

  /** The webhook configuration (of `cluster`) that holds a webhook of this name, the newest changed first when two do. */
  webhookNamed(cluster: string, webhook: string): WebhookConfiguration | undefined {
    let found: WebhookConfiguration | undefined;
    for (const [key, state] of this.states) {
      if (!state.webhooks?.includes(webhook) || !key.startsWith(`${cluster}|`)) continue;
      const [, kind = '', name = ''] = key.split('|');
      if (!found || (state.changedAt ?? -Infinity) > (found.changedAt ?? -Infinity)) found = { kind, name, changedAt: state.changedAt };
    }
    return found;
  }

  /** Whether the namespace's enforced level changed at or after `sinceMs` and at or before `untilMs`. */
  changedBetween(cluster: string, namespace: string | undefined, sinceMs: number, untilMs: number): boolean {
    const at = namespace === undefined ? undefined : this.states.get(`${cluster}|Namespace|${namespace}`)?.changedAt;
    return at !== undefined && at >= sinceMs && at <= untilMs;
  }

  /** Whether the PriorityClass or ServiceAccount (`namespace`: the account's) was deleted at or after `sinceMs` and at or before `untilMs` (and not created again since). */
  deletedBetween(cluster: string, kind: 'PriorityClass' | 'ServiceAccount', name: string, namespace: string | undefined, sinceMs: number, untilMs: number): boolean {
    const at = this.states.get(objectKey(cluster, kind, name, namespace))?.deletedAt;
    return at !== undefined && at >= sinceMs && at <= untilMs;
  }

  /** The Services the cluster's mutating webhooks call (`namespace/name`): the injectors that add containers to pods at admission. */
  injectorServices(cluster: string): string[] {
    const services = new Set<string>();
    for (const [key, state] of this.states) if (key.startsWith(`${cluster}|MutatingWebhookConfiguration|`)) for (const service of state.services ?? []) services.add(service);
    return [...services];
  }

  /** When the PriorityClass was created again with a lower value than the one it replaced, if it was (while watched). */
  priorityLoweredAt(cluster: string, name: string): number | undefined {
    return this.states.get(objectKey(cluster, 'PriorityClass', name, undefined))?.loweredAt;
  }

  private namespace(key: string, facts: K8sObjectFacts, deleted: boolean, at: number | undefined): void {
    const previous = this.states.get(key);
    if (deleted) return this.set(key, undefined);
    const enforce = facts.labels?.[ENFORCE_LABEL] ?? '';
    if (previous?.enforce === enforce) return;
    // First sight is no change: a level already set when Tapio started has stood for a while.
    this.set(key, previous && at !== undefined ? { enforce, changedAt: at } : { enforce });
  }

  /** A PriorityClass or ServiceAccount: kept from its deletion (seen live) until it is created again. */
  private deletable(key: string, deleted: boolean, at: number | undefined): void {
    if (deleted && at !== undefined) this.set(key, { deletedAt: at });
    else if (!deleted && this.states.has(key)) this.set(key, undefined);
  }

  /**
   * A PriorityClass: its value and whether it is the global default kept (classes are few), and
   * when it is deleted, when. When it was lowered: created again with a lower value, or made the
   * global default with a lower value than the default before it (pods admitted since get the
   * lower priority and become preemption victims of workloads they used to outrank).
   */
  private priorityClass(key: string, facts: K8sObjectFacts, deleted: boolean, at: number | undefined, object: Json | undefined): void {
    const previous = this.states.get(key);
    const read = object?.['value'];
    const value = typeof read === 'number' ? read : previous?.value;
    const isDefault = object ? object['globalDefault'] === true : previous?.globalDefault === true;
    const created = facts.creationTimestamp ? Date.parse(facts.creationTimestamp) : Number.NaN;
    // When this version came: its watch time, else (a new object) its creation.
    const when = at ?? (Number.isFinite(created) ? created : undefined);
    const defaultUntil = previous?.globalDefault && (deleted || !isDefault) ? when : previous?.defaultUntil;
    const kept = { ...(value !== undefined ? { value } : {}), ...(defaultUntil !== undefined ? { defaultUntil } : {}) };
    if (deleted) return at === undefined ? undefined : this.set(key, { deletedAt: at, ...kept });
    const recreatedLower = previous?.deletedAt !== undefined && previous.value !== undefined && value !== undefined && value < previous.value;
    const defaultLowered = isDefault && !previous?.globalDefault && when !== undefined && value !== undefined && value < this.defaultValueBefore(key, when);
    const loweredAt = recreatedLower || defaultLowered ? (when ?? previous?.deletedAt) : previous?.deletedAt === undefined ? previous?.loweredAt : undefined;
    const next: AdmissionPolicyState = { ...kept, ...(isDefault ? { globalDefault: true } : {}), ...(loweredAt !== undefined ? { loweredAt } : {}) };
    const same = previous !== undefined && previous.deletedAt === undefined && (Object.keys(next) as Array<keyof AdmissionPolicyState>).every((field) => previous[field] === next[field]) && Object.keys(previous).length === Object.keys(next).length;
    if (!same) this.set(key, Object.keys(next).length ? next : undefined);
  }

  /**
   * The value pods without a class got before `when`: the cluster's global default PriorityClass
   * still marked so, or the one that stopped being it within the hour before (the swap is two
   * writes, in either order); 0 when there was none (the API server's own default).
   */
  private defaultValueBefore(key: string, when: number): number {
    const prefix = key.slice(0, key.indexOf('|PriorityClass|') + '|PriorityClass|'.length);
    let value = 0;
    for (const [other, state] of this.states) {
      if (other === key || !other.startsWith(prefix) || state.value === undefined) continue;
      const wasDefault = state.globalDefault === true || (state.defaultUntil !== undefined && state.defaultUntil >= when - 60 * 60_000 && state.defaultUntil <= when);
      if (wasDefault) value = Math.max(value, state.value);
    }
    return value;
  }

  /**
   * A webhook configuration or ResourceQuota: created at its creationTimestamp (one already there
   * for days is no recent change), changed when what it asks changed while watched (`summary`:
   * undefined for a version read from the graph, which teaches nothing); forgotten when deleted
   * (one gone refuses nothing).
   */
  private changeTracked(key: string, facts: K8sObjectFacts, deleted: boolean, at: number | undefined, summary: TrackedSummary | undefined): void {
    if (deleted) return this.set(key, undefined);
    if (!summary) return;
    const previous = this.states.get(key);
    if (previous?.digest === summary.digest) return;
    const created = facts.creationTimestamp ? Date.parse(facts.creationTimestamp) : Number.NaN;
    const changedAt = previous && at !== undefined ? at : Number.isFinite(created) ? created : undefined;
    this.set(key, { ...(summary.webhooks?.length ? { webhooks: summary.webhooks } : {}), ...(summary.services?.length ? { services: summary.services } : {}), digest: summary.digest, ...(changedAt !== undefined ? { changedAt } : {}) });
  }

  private set(key: string, state: AdmissionPolicyState | undefined): void {
    if (state === undefined && !this.states.delete(key)) return;
    if (state !== undefined) this.states.set(key, state);
    if (this.tracking) this.dirty.add(key);
  }

  /** Objects changed since the last call: their state, undefined once forgotten. */
  changes(): Array<[string, AdmissionPolicyState | undefined]> {
    const changed = [...this.dirty].map((key): [string, AdmissionPolicyState | undefined] => [key, this.states.get(key)]);
    this.dirty.clear();
    return changed;
  }

  /** An object a durable store kept ('' only starts tracking); from now on changes are tracked. */
  restore(key: string, state: unknown): void {
    this.tracking = true;
    if (!key || typeof state !== 'object' || state === null) return;
    const { enforce, changedAt, deletedAt, value, loweredAt, globalDefault, defaultUntil } = state as Record<string, unknown>;
    const kept: AdmissionPolicyState = { ...restoredSummary(state as Record<string, unknown>) };
    if (typeof enforce === 'string') kept.enforce = enforce;
    if (typeof changedAt === 'number') kept.changedAt = changedAt;
    if (typeof deletedAt === 'number') kept.deletedAt = deletedAt;
    if (typeof value === 'number') kept.value = value;
    if (typeof loweredAt === 'number') kept.loweredAt = loweredAt;
    if (globalDefault === true) kept.globalDefault = true;
    if (typeof defaultUntil === 'number') kept.defaultUntil = defaultUntil;
    if (Object.keys(kept).length) this.states.set(key, kept);
  }
}

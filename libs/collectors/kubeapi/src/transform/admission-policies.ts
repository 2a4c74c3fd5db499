import type { K8sObjectFacts } from '@tapio/domain';
import type { Json } from './k8s-object.js';
import { restoredSummary, WEBHOOK_CONFIGURATION_KINDS, webhookSummary } from './webhook-calls.js';

/** The label by which a Namespace enforces a Pod Security Standard (privileged, baseline, restricted). */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/**
 * What is kept per object: a Namespace's enforced level ('' for none) and when Tapio saw it
 * change; when a PriorityClass or ServiceAccount was deleted; a webhook configuration's
 * webhook names, the digest of what they say, and when it was created or last changed.
 */
export interface AdmissionPolicyState {
  enforce?: string;
  changedAt?: number;
  deletedAt?: number;
  webhooks?: string[];
  digest?: string;
}

/** The webhook configuration a refusal's webhook belongs to, and when it was created or last changed (undefined: not known). */
export interface WebhookConfiguration {
  kind: string;
  name: string;
  changedAt: number | undefined;
}

/** The durable key of a deletion: a PriorityClass by name, a ServiceAccount by namespace and name (`cluster|kind|[namespace/]name`). */
function deletionKey(cluster: string, kind: string, name: string, namespace: string | undefined): string {
  return kind === 'ServiceAccount' ? `${cluster}|${kind}|${namespace ?? ''}/${name}` : `${cluster}|${kind}|${name}`;
}

/**
 * What admission refuses pods for, and when it changed: the Pod Security level each watched
 * Namespace enforces, the PriorityClasses and ServiceAccounts deleted while Tapio watched, and
 * the webhooks each webhook configuration makes admission call.
 * A controller's pod refused for violating PodSecurity, or for naming a PriorityClass or
 * ServiceAccount that is not there, is that object's doing when it changed shortly before (a
 * level raised while pods ran, a class or account deleted before a routine restart), and the
 * workload's when nothing changed and a new template broke it (or named one never created).
 * Kept as durable entries (`cluster|kind|name` -> state) like the other trackers, so a
 * restarted transformer still knows.
 */
export class AdmissionPolicies {
  private readonly states = new Map<string, AdmissionPolicyState>();
  private readonly dirty = new Set<string>();
  private tracking = false;

  /**
   * A watched object at `at` (ms; undefined: read from the graph, not seen changing), with its
   * whole `object` when the watch delivered it (a webhook configuration's webhooks are read
   * from it); kinds other than Namespace, PriorityClass, ServiceAccount and the two webhook
   * configurations are ignored.
   */
  observe(cluster: string, facts: K8sObjectFacts, deleted: boolean, at?: number, object?: Json): void {
    if (facts.kind === 'Namespace') this.namespace(`${cluster}|Namespace|${facts.name}`, facts, deleted, at);
    else if (facts.kind === 'PriorityClass' || facts.kind === 'ServiceAccount') this.deletable(deletionKey(cluster, facts.kind, facts.name, facts.namespace ?? undefined), deleted, at);
    else if (WEBHOOK_CONFIGURATION_KINDS.has(facts.kind)) this.webhookConfiguration(`${cluster}|${facts.kind}|${facts.name}`, facts, deleted, at, object);
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
    const at = this.states.get(deletionKey(cluster, kind, name, namespace))?.deletedAt;
    return at !== undefined && at >= sinceMs && at <= untilMs;
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
   * A webhook configuration: created at its creationTimestamp (a configuration already there
   * for days is no recent change), changed when what its webhooks say changed while watched;
   * forgotten when deleted (a configuration gone refuses nothing).
   */
  private webhookConfiguration(key: string, facts: K8sObjectFacts, deleted: boolean, at: number | undefined, object: Json | undefined): void {
    if (deleted) return this.set(key, undefined);
    if (!object) return;
    const previous = this.states.get(key);
    const { webhooks, digest } = webhookSummary(object);
    if (previous?.digest === digest) return;
    const created = facts.creationTimestamp ? Date.parse(facts.creationTimestamp) : Number.NaN;
    const changedAt = previous && at !== undefined ? at : Number.isFinite(created) ? created : undefined;
    this.set(key, { webhooks, digest, ...(changedAt !== undefined ? { changedAt } : {}) });
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
    const { enforce, changedAt, deletedAt } = state as Record<string, unknown>;
    const kept: AdmissionPolicyState = { ...restoredSummary(state as Record<string, unknown>) };
    if (typeof enforce === 'string') kept.enforce = enforce;
    if (typeof changedAt === 'number') kept.changedAt = changedAt;
    if (typeof deletedAt === 'number') kept.deletedAt = deletedAt;
    if (Object.keys(kept).length) this.states.set(key, kept);
  }
}

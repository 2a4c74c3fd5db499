import { contentHash } from './content-hash.js';
import { arr, obj, str, type Json } from './k8s-object.js';

/** The kinds whose webhooks admission calls before it admits an object. */
export const WEBHOOK_CONFIGURATION_KINDS: ReadonlySet<string> = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

/** What Tapio keeps of an object whose changes admission follows: a digest of what it asks, and a webhook configuration's webhook names. */
export interface TrackedSummary {
  webhooks?: string[];
  /** The Services its webhooks call (`namespace/name`): for a mutating one, the injector behind it. */
  services?: string[];
  digest: string;
}

/**
 * A webhook configuration's webhooks: their names (what a refusal quotes) and one digest of
 * the whole list (rules, selectors, failure policy, client config with its CA bundle), so
 * any change to what admission calls, or how, is seen as a change.
 */
export function webhookSummary(object: Json): TrackedSummary {
  const webhooks = arr(object['webhooks']);
  const services = new Set<string>();
  for (const webhook of webhooks) {
    const service = obj(obj(webhook['clientConfig'])['service']);
    const name = str(service['name']);
    const namespace = str(service['namespace']);
    if (name && namespace) services.add(`${namespace}/${name}`);
  }
  return { webhooks: webhooks.map((webhook) => str(webhook['name']) ?? '').filter((name) => name !== ''), ...(services.size ? { services: [...services] } : {}), digest: contentHash(webhooks) };
}

/** A refusal by an admission webhook, as the API server words it in a controller's FailedCreate. */
export interface WebhookRefusal {
  /** The webhook's name ("gate.policy.example.com"). */
  webhook: string;
  /** The call failed (unreachable, timed out, bad certificate): the webhook's side is broken, not the pod. */
  callFailed: boolean;
  /** The Service the failed call was addressed to, when the message names it. */
  service?: { name: string; namespace: string };
}

/**
 * Reads "failed calling webhook "NAME": failed to call webhook: Post
 * "https://SVC.NS.svc:443/path?timeout=5s": service "SVC" not found" (or "no endpoints
 * available for service", a timeout, a certificate error) and "admission webhook "NAME"
 * denied the request: ..." (the webhook answered no: the pod broke its policy).
 */
export function webhookRefusal(message: string): WebhookRefusal | undefined {
  const failed = /failed calling webhook "([^"]+)"/.exec(message);
  if (failed) {
    const host = /https:\/\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc[:/."]/.exec(message);
    return { webhook: failed[1] as string, callFailed: true, ...(host ? { service: { name: host[1] as string, namespace: host[3] as string } } : {}) };
  }
  const denied = /admission webhook "([^"]+)" denied the request/.exec(message);
  return denied ? { webhook: denied[1] as string, callFailed: false } : undefined;
}

/** A tracked object's digest (and a webhook configuration's names) from a durable store's entry, empty when absent or malformed. */
export function restoredSummary(state: Record<string, unknown>): Partial<TrackedSummary> {
  const { webhooks, services, digest } = state;
  if (typeof digest !== 'string') return {};
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
  const names = strings(webhooks);
  const called = strings(services);
  return { ...(names.length ? { webhooks: names } : {}), ...(called.length ? { services: called } : {}), digest };
}

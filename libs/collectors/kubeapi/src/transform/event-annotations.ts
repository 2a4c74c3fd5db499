import type { K8sObjectFacts } from '@tapio/domain';
import { admissionCause, causeAnnotations, preemptorOf, quotaRequiring, schedulingBlock } from './cause-messages.js';
import { evictionBlockedBy } from './disruption-budget-signals.js';
import type { AdmissionPolicies } from './admission-policies.js';
import type { PlannedNodes } from './lifecycle-signals.js';
import type { SchedulingCauses } from './scheduling-causes.js';
import { evictionAnnotations } from './pod-signals.js';
import { webhookRefusal, type WebhookRefusal } from './webhook-calls.js';

export interface InvolvedObject {
  kind: string;
  name: string;
  namespace: string | undefined;
  uid: string | undefined;
}

/** What the transformer knows to read an Event's message against: objects by uid, nodes in planned maintenance. */
export interface EventLookups {
  cluster: string;
  byUid: (uid: string) => K8sObjectFacts | undefined;
  planned: PlannedNodes;
  /** Who keeps a pod off every node when the scheduler names no one. */
  scheduling: SchedulingCauses;
  /** The Pod Security level of each namespace and when it changed; PriorityClasses and ServiceAccounts deleted. */
  admission: AdmissionPolicies;
  /** The Event's time (ms), for what changed just before it. */
  at: number;
}

/**
 * Annotations a Kubernetes Event adds to its signal: the object its message names as the
 * cause (a quota that refused a pod, the preemptor of a victim, the cordoned node pods wait
 * for), the kubelet's memory figures of an eviction, and `lifecycle: planned` for a node
 * condition of a node taken out of service on purpose (a drain's reboot, an autoscaler
 * scale-down), so patterns can tell planned maintenance from a failure.
 */
export function eventAnnotations(reason: string, message: string, involved: InvolvedObject, lookups: EventLookups): Record<string, string> {
  const annotations: Record<string, string> = {};
  if (reason === 'FailedCreate') {
    const webhook = webhookRefusal(message);
    Object.assign(annotations, causeAnnotations(webhook ? webhookCause(webhook, lookups) : refusedBy(message, involved, lookups)));
    // The Service a failed webhook call went to: the correlation links the refusal to that Service losing its endpoints.
    if (webhook?.service) annotations['webhook.service'] = `${webhook.service.namespace}/${webhook.service.name}`;
  }
  if (reason === 'Preempted') {
    const preemptor = preemptorOf(message);
    const facts = preemptor?.uid ? lookups.byUid(preemptor.uid) : undefined;
    const name = facts?.name ?? preemptor?.name;
    const namespace = facts?.namespace ?? preemptor?.namespace;
    const lowered = loweredPriorityOf(involved, lookups);
    if (lowered) Object.assign(annotations, causeAnnotations({ kind: 'PriorityClass', name: lowered, exists: true }));
    else if (name) Object.assign(annotations, causeAnnotations({ kind: 'Pod', name, ...(namespace ? { namespace } : {}) }));
  }
  const blocked = evictionBlockedBy(message);
  if (blocked.budget) Object.assign(annotations, causeAnnotations({ kind: 'PodDisruptionBudget', name: blocked.budget, ...((blocked.namespace ?? involved.namespace) ? { namespace: (blocked.namespace ?? involved.namespace) as string } : {}) }));
  if (reason === 'Evicted' || reason === 'Evicting') Object.assign(annotations, evictionAnnotations(message));
  const lingeringTaint = /had untolerated taint/.test(message) && !/Insufficient /.test(message) && lookups.planned.justReleased(lookups.cluster, lookups.at);
  if (reason === 'FailedScheduling') {
    // A cordon's taint lingering right after the uncordon is still the cordon's.
    const blocked = lingeringTaint ? 'cordon' : schedulingBlock(message);
    Object.assign(annotations, lookups.scheduling.cause(lookups.cluster, blocked, { uid: involved.uid, namespace: involved.namespace, message, at: lookups.at }).annotations);
  }
  if ((reason === 'FailedMount' || reason === 'FailedAttachVolume') && involved.kind === 'Pod' && involved.uid) {
    // A pod running and ready has its volumes: a mount failure said before it started (a
    // watch's starting list repeats the last hour's Events) is history, not why it is stuck.
    const pod = lookups.byUid(involved.uid);
    if (pod?.phase === 'Running' && pod.ready === true) annotations['pod.running'] = 'true';
  }
  const node = involved.kind === 'Node' ? involved.name : involved.uid ? lookups.byUid(involved.uid)?.nodeName : undefined;
  const planned = lookups.planned.reason(lookups.cluster, node);
  if (planned && /^Node(NotReady|NotSchedulable|Ready)$|^Rebooted$|^Shutdown$|^Starting$/.test(reason)) {
    annotations['lifecycle'] = 'planned';
    annotations['lifecycle.reason'] = planned;
  }
  return annotations;
}

/**
 * The victim's PriorityClass when it was created again with a lower value before the victim was
 * created (the victim got the lower priority at admission): a workload it used to outrank now
 * preempts it, by the class's change, not by anything the preemptor did.
 */
function loweredPriorityOf(involved: InvolvedObject, lookups: EventLookups): string | undefined {
  const victim = involved.kind === 'Pod' && involved.uid ? lookups.byUid(involved.uid) : undefined;
  const loweredAt = victim?.priorityClassName ? lookups.admission.priorityLoweredAt(lookups.cluster, victim.priorityClassName) : undefined;
  const created = victim?.creationTimestamp ? Date.parse(victim.creationTimestamp) : Number.NaN;
  return loweredAt !== undefined && loweredAt <= lookups.at && (!Number.isFinite(created) || created >= loweredAt) ? victim?.priorityClassName : undefined;
}

/** How long after a namespace's Pod Security level changed, a PriorityClass or ServiceAccount was deleted, or a webhook configuration or quota changed, a refusal is that change's doing. */
const POLICY_CHANGE_WINDOW_MS = 30 * 60_000;

/**
 * What refused a controller's pod. A Pod Security refusal names the namespace only when its
 * level changed shortly before, a missing PriorityClass or ServiceAccount only when it was
 * deleted while watched (and is still missing), a quota that requires limits the pod does not name only when it was
 * created or changed shortly before: when nothing changed, the pod template that breaks the
 * level or names an object that is not there is the cause (the rollout's or the new
 * workload's, which their patterns name).
 */
function refusedBy(message: string, involved: InvolvedObject, lookups: EventLookups) {
  const namespace = involved.namespace;
  const since = lookups.at - POLICY_CHANGE_WINDOW_MS;
  const requiring = quotaRequiring(message);
  if (requiring) return quotaRequiringCause(requiring, involved, lookups, since);
  const cause = admissionCause(message, namespace);
  if (cause?.kind === 'Namespace') return lookups.admission.changedBetween(lookups.cluster, namespace, since, lookups.at) ? cause : undefined;
  if (cause?.kind === 'PriorityClass' || cause?.kind === 'ServiceAccount') {
    // Deleted while Tapio watched and not created again: its absence refuses every pod that names
    // it, however long after the deletion the next one comes (a restart, a drain, a scale-up).
    return lookups.admission.deletedBetween(lookups.cluster, cause.kind, cause.name ?? '', cause.namespace ?? undefined, Number.NEGATIVE_INFINITY, lookups.at) ? cause : undefined;
  }
  return cause;
}

/**
 * What a webhook refusal is the doing of. A webhook configuration created or changed shortly
 * before is (a policy engine installed before its backend runs, a rule widened to a namespace
 * it should not cover). Otherwise a failed call is the webhook's Service's (no endpoint, no
 * such Service: the backend is down; the correlation walks on to why), or the configuration's
 * when the message names no Service (a URL webhook). A webhook that answered no under an
 * unchanged configuration refused a pod its policy forbids: the new template's doing, which
 * the rollout's patterns name.
 */
function webhookCause(refusal: WebhookRefusal, lookups: EventLookups) {
  const { cluster, admission, at } = lookups;
  const configuration = admission.webhookNamed(cluster, refusal.webhook);
  const named = configuration ? { kind: configuration.kind, name: configuration.name } : undefined;
  if (named && admission.createdOrChangedBetween(cluster, named.kind, named.name, undefined, at - POLICY_CHANGE_WINDOW_MS, at)) return named;
  if (!refusal.callFailed) return undefined;
  return refusal.service ? { kind: 'Service', name: refusal.service.name, namespace: refusal.service.namespace } : named;
}

/**
 * A quota that requires limits (or requests) the refused pod does not name is the cause when it
 * was created or changed lately and the workload's containers' resources did not change after
 * it (the pods were admitted before it came; a routine restart only revealed it); when the
 * workload's resources changed since, or the quota stood, the template dropped them.
 */
function quotaRequiringCause(quota: string, involved: InvolvedObject, lookups: EventLookups, since: number) {
  const { cluster, admission, at } = lookups;
  if (!admission.createdOrChangedBetween(cluster, 'ResourceQuota', quota, involved.namespace, since, at)) return undefined;
  const owner = involved.uid ? lookups.byUid(involved.uid)?.ownerReferences?.find((reference) => reference.controller) : undefined;
  const resourcesAt = owner ? admission.resourcesChangedAt(cluster, owner.kind, owner.name, involved.namespace) : undefined;
  if (resourcesAt !== undefined && admission.createdOrChangedBetween(cluster, 'ResourceQuota', quota, involved.namespace, since, resourcesAt)) return undefined;
  return { kind: 'ResourceQuota', name: quota, ...(involved.namespace ? { namespace: involved.namespace } : {}), exists: true as const };
}

import { parseQuantity } from './quantity.js';

/**
 * Readers of the messages Kubernetes components write when a capacity or policy object
 * stops a pod: they name the object (a quota, a missing PriorityClass, the preemptor), or
 * carry figures (the kubelet's eviction message: how much memory each container used).
 * What they find becomes event annotations the correlation reads (`cause.kind`,
 * `cause.name`, `cause.namespace`, `eviction.resource`, `memory.usage_bytes`, `scheduling.blocked_by`), so a
 * pattern can blame the object the message names instead of the pod that reported it.
 */

export interface NamedCause {
  kind: string;
  name?: string;
  namespace?: string;
  /** The message itself proves the object exists ("exceeded quota: compute" comes from quota compute), watched or not. */
  exists?: true;
}

/**
 * Annotations naming a cause; a cause without a name (a LimitRange) is resolved by the
 * correlation within the namespace. `cause.exists`: the correlation names it even when it does
 * not know the object (a recording without quotas, a collector not allowed to list them).
 */
export function causeAnnotations(cause: NamedCause | undefined): Record<string, string> {
  if (!cause) return {};
  return {
    'cause.kind': cause.kind,
    ...(cause.name ? { 'cause.name': cause.name } : {}),
    ...(cause.namespace ? { 'cause.namespace': cause.namespace } : {}),
    ...(cause.exists ? { 'cause.exists': 'true' } : {}),
  };
}

/**
 * What refused a controller's pod (`FailedCreate`, "Error creating: pods "x" is forbidden: ..."):
 * a ResourceQuota ("exceeded quota: compute, requested: ..."), a LimitRange ("maximum memory
 * usage per Container is 256Mi, but limit is 512Mi"), a PriorityClass or ServiceAccount that
 * does not exist, the namespace's Pod Security level ("violates PodSecurity "restricted:latest"").
 */
export function admissionCause(message: string, namespace: string | undefined): NamedCause | undefined {
  const quota = /exceeded quota: ([a-z0-9]([-a-z0-9.]*[a-z0-9])?)/.exec(message);
  if (quota) return { kind: 'ResourceQuota', name: quota[1] as string, ...(namespace ? { namespace } : {}), exists: true };
  if (/(maximum|minimum) (cpu|memory|ephemeral-storage|storage) usage per (Container|Pod)|(cpu|memory) max limit to request ratio/i.test(message)) {
    return { kind: 'LimitRange', ...(namespace ? { namespace } : {}) };
  }
  const priority = /no PriorityClass with name ([a-z0-9]([-a-z0-9.]*[a-z0-9])?) was found/.exec(message);
  if (priority) return { kind: 'PriorityClass', name: priority[1] as string };
  const account = /error looking up service account ([a-z0-9][-a-z0-9.]*)\/([a-z0-9][-a-z0-9.]*): serviceaccount "[^"]*" not found/.exec(message);
  if (account) return { kind: 'ServiceAccount', name: account[2] as string, namespace: account[1] as string };
  if (/violates PodSecurity "/.test(message) && namespace) return { kind: 'Namespace', name: namespace };
  return undefined;
}

/**
 * The ResourceQuota that refused a pod for not naming what it limits ("failed quota:
 * team-share: must specify limits.cpu for: app; limits.memory for: app"): a quota on limits or
 * requests makes every new pod name them. Whose doing that is depends on what changed, so it is
 * not an `admissionCause`.
 */
export function quotaRequiring(message: string): string | undefined {
  return /failed quota: ([a-z0-9]([-a-z0-9.]*[a-z0-9])?): must specify/.exec(message)?.[1];
}

/**
 * The preemptor the scheduler names on its victim: "Preempted by pod <uid> on node <node>"
 * (Kubernetes 1.26+) or "Preempted by <namespace>/<name> on node <node>" (older).
 */
export function preemptorOf(message: string): { uid?: string; namespace?: string; name?: string } | undefined {
  const byUid = /Preempted by pod ([0-9a-f-]{36})/i.exec(message);
  if (byUid) return { uid: byUid[1] as string };
  const byName = /Preempted by ([a-z0-9][-a-z0-9.]*)\/([a-z0-9][-a-z0-9.]*) on node/i.exec(message);
  if (byName) return { namespace: byName[1] as string, name: byName[2] as string };
  return undefined;
}

/** What the kubelet reclaims when it evicts a pod for node pressure, and what it says the pod used of it. */
export interface PressureEviction {
  /** The resource the node ran low on, as the kubelet names it: memory, ephemeral-storage, pids, ... */
  resource: string;
  /** Summed over the containers the message lists (the kubelet lists figures for memory and ephemeral-storage only). */
  usageBytes?: number;
  /** The requests of the containers it lists, summed (the pod's request of the resource). */
  requestBytes?: number;
}

/**
 * What the kubelet says when it evicts a pod under node pressure:
 * "The node was low on resource: memory. Threshold quantity: 100Mi, available: 84Mi.
 * Container hog was using 1843200Ki, request is 0, has larger consumption of memory."
 * The same for ephemeral-storage (disk pressure: the containers' writable layers and logs)
 * and, without figures, for pids. Undefined for any other eviction message.
 */
export function pressureEviction(message: string): PressureEviction | undefined {
  const resource = /low on resource: ([a-z][a-z.-]*[a-z])/i.exec(message)?.[1];
  if (!resource) return undefined;
  let usageBytes = 0;
  let requestBytes = 0;
  let found = false;
  for (const match of message.matchAll(/Container \S+ was using (\S+?), request is (\S+?)[,.]/g)) {
    const usage = parseQuantity(match[1]);
    if (usage === undefined) continue;
    found = true;
    usageBytes += usage;
    requestBytes += parseQuantity(match[2]) ?? 0;
  }
  return found ? { resource, usageBytes: Math.round(usageBytes), requestBytes: Math.round(requestBytes) } : { resource };
}

/**
 * Which of its own limits a pod broke when the kubelet evicted it for local storage: an
 * emptyDir volume over its sizeLimit ("Usage of EmptyDir volume "spool" exceeds the limit
 * "8Mi"."), a container over its ephemeral-storage limit, or the pod over its containers' total.
 * Such an eviction is the workload's own doing, like an OOM kill, not the node's.
 */
export function storageLimitEvicted(message: string): 'emptyDir' | 'ephemeral-storage' | undefined {
  if (/Usage of EmptyDir volume "[^"]*" exceeds the limit/.test(message)) return 'emptyDir';
  if (/exceeded its local ephemeral storage limit|ephemeral local storage usage exceeds the total limit/.test(message)) return 'ephemeral-storage';
  return undefined;
}

const CORDONED = /node\(s\) were unschedulable|ToBeDeletedByClusterAutoscaler|node\.kubernetes\.io\/unschedulable/;
const SHORT_OF_CAPACITY = /Insufficient |Too many pods|didn't have free ports|volume node affinity conflict|exceed max volume count/;

const CORDONED_PART = (part: string) => CORDONED.test(part);
const SHORT_PART = (part: string) => SHORT_OF_CAPACITY.test(part);
const TAINT_PART = (part: string) => /had untolerated taint/.test(part);
const SELECTOR_PART = (part: string) => /didn't match (Pod's )?node (affinity\/selector|selector)/.test(part);
const INSUFFICIENT_PART = (part: string) => /Insufficient (cpu|memory)$/.test(part);

/**
 * Why the scheduler could place a pod on no node, when planned node lifecycle is what stops
 * it: a node it lists is cordoned ("node(s) were unschedulable") or carries the
 * cluster-autoscaler's deletion taint, and no other node lacks capacity (the others do not
 * match the pod's selector or taints: only the node being maintained could take it).
 * "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu." is a
 * capacity shortage, not maintenance.
 */
export function blockedByCordon(message: string): boolean {
  return cordoned(schedulingReasons(message));
}

/**
 * Whether taints alone keep a pod off every node: each reason the scheduler lists is an
 * untolerated taint ("0/1 nodes are available: 1 node(s) had untolerated taint(s)."), none a
 * shortage, a selector or affinity that matches nothing, or a volume. Which node's taint, and
 * whether it is new, the message does not say (PlannedNodes knows the nodes tainted lately).
 */
export function blockedByTaint(message: string): boolean {
  return only(schedulingReasons(message), TAINT_PART);
}

/**
 * Whether node labels alone keep a pod off every node: each reason is a node selector or
 * required affinity that matches no node ("1 node(s) didn't match Pod's node affinity/selector";
 * before Kubernetes 1.22 "didn't match node selector"). Whether a node lost the label lately, or
 * the pod's release asked for one no node ever had, the message does not say (PlannedNodes knows
 * the labels nodes lost while Tapio watched).
 */
export function blockedByLabels(message: string): boolean {
  return only(schedulingReasons(message), SELECTOR_PART);
}

/**
 * Whether the nodes that could take a pod lack the CPU or memory it requests: some reason is
 * "Insufficient cpu" or "Insufficient memory" and every other node is out for its taints,
 * labels or cordon (never a candidate). Who took the room, the message does not say
 * (CapacityLedger knows what each workload placed lately).
 */
export function blockedByCapacity(message: string): boolean {
  return capacityShort(schedulingReasons(message));
}

/** Whether the scheduler's message lists a node out of service (cordoned, or being deleted by the autoscaler). */
export function listsCordonedNode(message: string): boolean {
  return schedulingReasons(message).some(CORDONED_PART);
}

/** The resources a FailedScheduling message says are short ("2 Insufficient cpu, 1 Insufficient memory"). */
export function shortOf(message: string): Set<'cpu' | 'memory'> {
  const short = new Set<'cpu' | 'memory'>();
  if (/Insufficient cpu/.test(message)) short.add('cpu');
  if (/Insufficient memory/.test(message)) short.add('memory');
  return short;
}

/**
 * The claim the scheduler refuses a pod for because its deletion was asked while pods still use
 * it ("persistentvolumeclaim "report-cache" is being deleted": Kubernetes keeps a claim in use
 * until its pods stop, so running pods carry on and only new ones are refused).
 */
export function claimBeingDeleted(message: string): string | undefined {
  return /persistentvolumeclaim "([a-z0-9]([-a-z0-9.]*[a-z0-9])?)" is being deleted/.exec(message)?.[1];
}

/**
 * What alone keeps a pod off every node, when it may be another object's doing: a cordon,
 * taints, labels, capacity someone took, or a claim someone deleted. The message's reasons are
 * read once.
 */
export function schedulingBlock(message: string): SchedulingBlock | undefined {
  if (claimBeingDeleted(message)) return 'claim-deleted';
  const parts = schedulingReasons(message);
  if (cordoned(parts)) return 'cordon';
  if (only(parts, TAINT_PART)) return 'taint';
  if (only(parts, SELECTOR_PART)) return 'labels';
  if (only(parts, (part) => TAINT_PART(part) || SELECTOR_PART(part))) return 'taint-or-labels';
  return capacityShort(parts) ? 'capacity' : undefined;
}

/**
 * What keeps a pod off every node. `taint-or-labels`: some nodes for their taints, the others
 * for their labels ("1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
 * 2 node(s) didn't match Pod's node affinity/selector" on any cluster with a control plane node
 * of its own): whichever of the two changed last on a node is why (PlannedNodes).
 */
export type SchedulingBlock = 'cordon' | 'taint' | 'labels' | 'taint-or-labels' | 'capacity' | 'claim-deleted';

const only = (parts: readonly string[], test: (part: string) => boolean) => parts.length > 0 && parts.every(test);
/** Nodes a pod's bound volume can never reach (a local volume pinned elsewhere): no more a candidate than a node its selector excludes. */
const VOLUME_ELSEWHERE_PART = (part: string) => /volume node affinity conflict/.test(part);
const cordoned = (parts: readonly string[]) => parts.some(CORDONED_PART) && !parts.some((part) => SHORT_PART(part) && !VOLUME_ELSEWHERE_PART(part));
const capacityShort = (parts: readonly string[]) => parts.some(INSUFFICIENT_PART) && parts.every((part) => INSUFFICIENT_PART(part) || TAINT_PART(part) || SELECTOR_PART(part) || CORDONED_PART(part));

/** The per-node reasons of a FailedScheduling message, without its preemption and claim notes. */
function schedulingReasons(message: string): string[] {
  const reasons = /nodes are available: (.*?)(?:[.,] preemption:|$)/.exec(message)?.[1];
  if (!reasons) return [];
  // Newer schedulers append sentences to the list ("... taint(s). no new claims to deallocate").
  return reasons.split(/,\s*/).map((part) => (part.split('. ')[0] ?? '').trim().replace(/\.$/, '')).filter((part) => part !== '');
}

import type { CapacityLedger } from './capacity-ledger.js';
import type { PlannedNodes } from './lifecycle-signals.js';
import type { Signal } from './signal.js';
import { causeAnnotations, claimBeingDeleted, listsCordonedNode } from './cause-messages.js';

/** What names a refusal's cause: annotations (`scheduling.blocked_by` with `cause.*`) and a note the message lacks. */
export interface SchedulingCause {
  annotations: Record<string, string>;
  note?: string;
}

/**
 * Who keeps a pod off every node when the scheduler's message names no one: the node cordoned,
 * tainted or relabelled lately (PlannedNodes), or the workload that took the room
 * (CapacityLedger); and the claim whose deletion was asked while pods use it, which the message
 * names. One place reads the mark a refusal carries (`scheduling.blocked_by`, from
 * `schedulingBlock`) and names its cause, for a FailedScheduling Event and a pod's status alike;
 * a mark no cause is known for is dropped (a cordon's stays: the drain pattern reads it).
 */
export class SchedulingCauses {
  constructor(
    private readonly planned: PlannedNodes,
    private readonly capacity: CapacityLedger,
  ) {}

  /** The cause of a refusal of pod `uid` (in `namespace`) blocked as `blocked`, by its message at `at` (ms). */
  cause(cluster: string, blocked: string | undefined, refusal: { uid: string | undefined; namespace: string | undefined; message: string; at: number }): SchedulingCause {
    if (blocked === 'capacity') {
      const taken = this.capacity.schedulingCause(cluster, refusal.uid, refusal.message, refusal.at);
      // Room nobody took lately, beside a node out of service: the drain took it (the pods it held find none elsewhere).
      if (taken.annotations['scheduling.blocked_by'] === undefined && listsCordonedNode(refusal.message)) return this.planned.schedulingCause(cluster, 'cordon');
      return taken;
    }
    if (blocked === 'claim-deleted') return deletedClaim(refusal.message, refusal.namespace);
    return this.planned.schedulingCause(cluster, blocked);
  }

  /** A pod signal carrying the mark, named after its cause (the note ends its message), or without the mark when none is known. */
  attribute(cluster: string, signal: Signal, pod: { uid: string | undefined; namespace: string | undefined }, at: number): Signal {
    const blocked = signal.annotations?.['scheduling.blocked_by'];
    if (blocked === undefined) return signal;
    const { annotations: cause, note } = this.cause(cluster, blocked, { ...pod, message: signal.message, at });
    const { ['scheduling.blocked_by']: _mark, ...others } = signal.annotations ?? {};
    const annotations = { ...others, ...cause };
    const { annotations: _annotations, ...bare } = signal;
    return { ...bare, ...(note ? { message: `${signal.message} (${note})` } : {}), ...(Object.keys(annotations).length ? { annotations } : {}) };
  }
}

/** A refusal for a claim being deleted names the claim, in the pod's namespace (a claim is the namespace's own). */
function deletedClaim(message: string, namespace: string | undefined): SchedulingCause {
  const claim = claimBeingDeleted(message);
  if (!claim || !namespace) return { annotations: {} };
  return {
    annotations: { 'scheduling.blocked_by': 'claim-deleted', ...causeAnnotations({ kind: 'PersistentVolumeClaim', name: claim, namespace }) },
    note: `PersistentVolumeClaim ${namespace}/${claim} was deleted while pods use it: Kubernetes keeps it until they stop, and admits no new pod that needs it`,
  };
}

import type { CapacityLedger } from './capacity-ledger.js';
import type { PlannedNodes } from './lifecycle-signals.js';
import type { Signal } from './signal.js';

/** What names a refusal's cause: annotations (`scheduling.blocked_by` with `cause.*`) and a note the message lacks. */
export interface SchedulingCause {
  annotations: Record<string, string>;
  note?: string;
}

/**
 * Who keeps a pod off every node when the scheduler's message names no one: the node cordoned,
 * tainted or relabelled lately (PlannedNodes), or the workload that took the room
 * (CapacityLedger). One place reads the mark a refusal carries (`scheduling.blocked_by`, from
 * `schedulingBlock`) and names its cause, for a FailedScheduling Event and a pod's status alike;
 * a mark no cause is known for is dropped (a cordon's stays: the drain pattern reads it).
 */
export class SchedulingCauses {
  constructor(
    private readonly planned: PlannedNodes,
    private readonly capacity: CapacityLedger,
  ) {}

  /** The cause of a refusal of pod `uid` blocked as `blocked`, by its message at `at` (ms). */
  cause(cluster: string, blocked: string | undefined, refusal: { uid: string | undefined; message: string; at: number }): SchedulingCause {
    if (blocked === 'capacity') return this.capacity.schedulingCause(cluster, refusal.uid, refusal.message, refusal.at);
    return this.planned.schedulingCause(cluster, blocked);
  }

  /** A pod signal carrying the mark, named after its cause (the note ends its message), or without the mark when none is known. */
  attribute(cluster: string, signal: Signal, uid: string | undefined, at: number): Signal {
    const blocked = signal.annotations?.['scheduling.blocked_by'];
    if (blocked === undefined) return signal;
    const { annotations: cause, note } = this.cause(cluster, blocked, { uid, message: signal.message, at });
    const { ['scheduling.blocked_by']: _mark, ...others } = signal.annotations ?? {};
    const annotations = { ...others, ...cause };
    const { annotations: _annotations, ...bare } = signal;
    return { ...bare, ...(note ? { message: `${signal.message} (${note})` } : {}), ...(Object.keys(annotations).length ? { annotations } : {}) };
  }
}

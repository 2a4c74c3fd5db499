import { formatEntity, type ChangeItem, type EntityRef, type IndexedEvent, type PredictionResult, type PredictionTally } from '@tapio/domain';

/**
 * What a prediction about each pod that uses a changed root is judged by (expect.each:
 * pending_users): the pods that did not fail yet when it was issued, the root, and the
 * change that made the others fail (to tell its revert).
 */
export interface CascadeTerms {
  /** Entity keys of the pods predicted to fail, those that use the root and do not fail yet. */
  pending: readonly string[];
  rootKey: string;
  root: EntityRef;
  /** The root's change the failures follow (its event's `kubernetes.changes`). */
  change: readonly ChangeItem[];
  /** When the composition that issued (or revised) it happened: the time of the event that triggered it. */
  at: string;
}

type PodState = 'pending' | 'failed' | 'healthy' | 'gone';

/** What an event did to a cascade prediction: counted toward it, closed it, or nothing. */
export type CascadeStep = { kind: 'none' } | { kind: 'progress' } | { kind: 'close'; result: PredictionResult };

const ROOT_CHANGES = new Set(['config_changed', 'secret_changed']);

/**
 * The pods of one open cascade prediction and what each did since it was issued. A pod
 * that shows one of the expected failure types failed the way predicted (final); one that
 * becomes ready again (`pod_ready`: restarted with the changed configuration and serves)
 * counts against it, unless it fails later; one deleted first is gone. It closes when no
 * pod is pending any more, with `came_true` when every pod not gone failed, `did_not_happen`
 * when none did, `partly_true` between; and it is withdrawn (`did_not_happen` with the reason)
 * when the root's change is reverted, as the pods will restart with the old content.
 */
export class CascadeWatch {
  private readonly pods = new Map<string, PodState>();
  private lastFailure: { at: string; eventId: string } | undefined;

  constructor(
    readonly terms: CascadeTerms,
    private readonly failureTypes: readonly string[],
    carried: ReadonlyMap<string, PodState> = new Map(),
  ) {
    for (const pod of terms.pending) this.pods.set(pod, carried.get(pod) === 'healthy' ? 'healthy' : 'pending');
  }

  /** The entity keys whose events can move it: its pods and the root. */
  keys(): string[] {
    return [...this.pods.keys(), this.terms.rootKey];
  }

  states(): ReadonlyMap<string, PodState> {
    return this.pods;
  }

  tally(): PredictionTally {
    const tally = { expected: this.pods.size, failed: 0, healthy: 0, gone: 0 };
    for (const state of this.pods.values()) if (state !== 'pending') tally[state] += 1;
    return tally;
  }

  /** Pods the new composition names that this watch does not follow: the evidence grew. */
  newPods(pending: readonly string[]): string[] {
    return pending.filter((pod) => !this.pods.has(pod));
  }

  observe(event: IndexedEvent): CascadeStep {
    const key = event.entityKey;
    if (!key) return { kind: 'none' };
    if (key === this.terms.rootKey) return this.rootEvent(event);
    const state = this.pods.get(key);
    if (state === undefined || state === 'failed' || state === 'gone') return { kind: 'none' };
    const type = event.event.type;
    // A container that exited 0 and was restarted did not fail on the configuration.
    const cleanRestart = type === 'pod_restart' && event.event.kubernetes?.exitCode === 0;
    if (this.failureTypes.includes(type) && !cleanRestart) {
      this.pods.set(key, 'failed');
      this.lastFailure = { at: event.event.timestamp, eventId: event.event.id };
    } else if (type === 'pod_ready' && state === 'pending') this.pods.set(key, 'healthy');
    else if (type === 'resource_deleted' && state === 'pending') this.pods.set(key, 'gone');
    else return { kind: 'none' };
    return this.settled(event.event.timestamp) ?? { kind: 'progress' };
  }

  /** At its deadline: what it comes to with the pods that did not restart counted as not failing. */
  closeAt(at: string): PredictionResult {
    return this.result(at);
  }

  private rootEvent(event: IndexedEvent): CascadeStep {
    if (!ROOT_CHANGES.has(event.event.type) || !reverts(event.event.kubernetes?.changes ?? [], this.terms.change)) return { kind: 'none' };
    const { failed, expected, gone } = this.tally();
    const reason = `withdrawn: ${formatEntity(this.terms.root)} was changed back at ${event.event.timestamp} (${failed} of ${expected - gone} had failed)`;
    return { kind: 'close', result: { status: 'did_not_happen', at: event.event.timestamp, reason } };
  }

  private settled(at: string): CascadeStep | undefined {
    for (const state of this.pods.values()) if (state === 'pending') return undefined;
    return { kind: 'close', result: this.result(at) };
  }

  private result(at: string): PredictionResult {
    const { expected, failed, gone } = this.tally();
    if (failed === 0) return { status: 'did_not_happen', at };
    if (failed === expected - gone && this.lastFailure) return { status: 'came_true', at: this.lastFailure.at, eventId: this.lastFailure.eventId };
    return { status: 'partly_true', at };
  }
}

/**
 * Whether `later` undoes `change`: for every data key the change touched, the later change
 * touches it the other way (added <-> removed, and for an edit the same changed lines with
 * before and after swapped). A change whose lines Tapio did not keep (a Secret, binary or
 * too large a value) cannot be told reverted.
 */
export function reverts(later: readonly ChangeItem[], change: readonly ChangeItem[]): boolean {
  if (!change.length || later.length !== change.length) return false;
  const byPath = new Map(later.map((item) => [item.path, item]));
  return change.every((item) => {
    const back = byPath.get(item.path);
    if (!back) return false;
    if (item.op === 'added') return back.op === 'removed';
    if (item.op === 'removed') return back.op === 'added';
    if (back.op !== 'changed' || !item.lines?.length || !back.lines?.length || item.moreLines || back.moreLines) return false;
    return sameLines(back.lines.map((line) => [line.after, line.before] as const), item.lines.map((line) => [line.before, line.after] as const));
  });
}

function sameLines(a: ReadonlyArray<readonly [string | undefined, string | undefined]>, b: ReadonlyArray<readonly [string | undefined, string | undefined]>): boolean {
  const key = (pair: readonly [string | undefined, string | undefined]) => JSON.stringify(pair);
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

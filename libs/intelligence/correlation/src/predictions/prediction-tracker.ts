import { entityKey, type IndexedEvent, type Prediction, type PredictionResult } from '@tapio/domain';
import { iso } from '../story/entity-refs.js';
import { CascadeWatch, type CascadeTerms } from './cascade-watch.js';

export const DEFAULT_MAX_TRACKED_PREDICTIONS = 10_000;

/** What the tracker did so far, for metrics: open now, judged either way, and dropped unjudged beyond the bound. */
export interface PredictionTrackerStats {
  open: number;
  cameTrue: number;
  didNotHappen: number;
  /** Predictions about several pods of which some, not all, failed. */
  partlyTrue: number;
  /** Open predictions forgotten before their deadline because `maxTracked` others were open: never judged. */
  dropped: number;
}

interface OpenPrediction {
  prediction: Prediction;
  entityKey: string;
  issuedMs: number;
  deadlineMs: number;
  /** The predicted container's latest kubelet samples (working set, bytes), oldest first, at most WITHDRAW_AFTER_SAMPLES. */
  samples: number[];
  /** The highest working set seen before those samples. */
  peakBefore: number;
  /** For a prediction about each pod that uses a changed root: its pods and what each did. */
  watch?: CascadeWatch;
}

/** A sample under this share of the limit is well below it. */
const CALM_SHARE = 0.8;
/**
 * Kubelet samples whose line no longer rises that withdraw a memory prediction: their
 * least-squares slope is not positive and none of them is a new high. Eight samples make
 * jitter around a slow growth unlikely to pass for a reversal.
 */
export const WITHDRAW_AFTER_SAMPLES = 8;

/**
 * Predictions that say what to expect by when (`expects`, `deadline`), judged by the events
 * that follow: the expected event about the expected entity (and container, when both name
 * one) by the deadline makes it `came_true`; the deadline passing (event time) without it
 * makes it `did_not_happen`. A prediction composed again for its incident keeps the deadline
 * it was issued with and, once judged, its result. A memory prediction (it expects an OOM
 * kill) is withdrawn before its deadline when the trend reverses: `did_not_happen` with a
 * reason once its container's last 8 kubelet samples show the working set well below the
 * limit (under 80%), with no new high and a slope that is not positive. Bounded: beyond `maxTracked` open
 * predictions the one due first is forgotten (counted in `stats().dropped`: it is never
 * judged), and as many judged ones are remembered. A prediction about each pod that uses a
 * changed root (`track` with CascadeTerms) counts its pods as they fail or restart healthy
 * (CascadeWatch: "4 of 9 so far", told through `takeProgress`), closes when none is pending,
 * at its deadline, or withdrawn when the change is reverted; a composition naming pods it
 * does not follow revises it (the earlier wording and count kept in `revisions`).
 */
export class PredictionTracker {
  private readonly open = new Map<string, OpenPrediction>();
  private readonly byEntity = new Map<string, Set<string>>();
  private readonly judged = new Map<string, Prediction>();
  /** Prediction ids by the incident (insight) they were issued for, open and judged: its story tells them. */
  private readonly byInsight = new Map<string, Set<string>>();
  private nextDeadlineMs = Number.POSITIVE_INFINITY;
  private readonly counts = { cameTrue: 0, didNotHappen: 0, partlyTrue: 0, dropped: 0 };
  /** Open predictions whose count moved since the last `takeProgress`. */
  private readonly progressed = new Map<string, Prediction>();

  constructor(private readonly maxTracked = DEFAULT_MAX_TRACKED_PREDICTIONS) {}

  get openCount(): number {
    return this.open.size;
  }

  stats(): PredictionTrackerStats {
    return { open: this.open.size, ...this.counts };
  }

  /**
   * Takes a prediction as composed; returns it as it stands (its first deadline and
   * expectation, its result once judged). `cascade`: it is about each pod that uses a
   * changed root, judged pod by pod.
   */
  track(prediction: Prediction, cascade?: CascadeTerms): Prediction {
    const judged = this.judged.get(prediction.id);
    if (judged) return { ...prediction, ...this.issued(judged), ...(judged.result ? { result: judged.result } : {}) };
    const open = this.open.get(prediction.id);
    if (open) {
      if (open.watch && cascade) this.revise(open, prediction, cascade);
      return (open.prediction = { ...prediction, ...this.issued(open.prediction) });
    }
    if (!prediction.expects || !prediction.deadline || prediction.result) return prediction;
    const key = entityKey(prediction.expects.entity);
    const deadlineMs = Date.parse(prediction.deadline);
    const watch = cascade && cascade.pending.length ? new CascadeWatch(cascade, prediction.expects.eventTypes) : undefined;
    const tracked = watch ? { ...prediction, tally: watch.tally() } : prediction;
    this.open.set(prediction.id, { prediction: tracked, entityKey: key, issuedMs: Date.parse(prediction.createdAt), deadlineMs, samples: [], peakBefore: 0, ...(watch ? { watch } : {}) });
    for (const watched of watch ? watch.keys() : [key]) this.index(this.byEntity, watched, prediction.id, true);
    this.index(this.byInsight, prediction.insightId, prediction.id, true);
    this.nextDeadlineMs = Math.min(this.nextDeadlineMs, deadlineMs);
    if (this.open.size > this.maxTracked) this.forgetDueFirst();
    return tracked;
  }

  /** Open predictions whose count moved (a pod failed, restarted healthy or went) since the last call, as they now stand. */
  takeProgress(): Prediction[] {
    const moved = [...this.progressed.values()].filter((prediction) => this.open.has(prediction.id));
    this.progressed.clear();
    return moved;
  }

  /**
   * A new composition of an open cascade prediction names pods it does not follow (more
   * came to use the root): it now says what the composition says, counted afresh over the
   * pods pending now (those that restarted healthy stay so), and keeps what it said before.
   */
  private revise(open: OpenPrediction, composed: Prediction, cascade: CascadeTerms): void {
    const watch = open.watch as CascadeWatch;
    if (!watch.newPods(cascade.pending).length) return;
    const before = open.prediction;
    const revisions = [...(before.revisions ?? []), { at: cascade.at, message: before.message, tally: watch.tally() }];
    for (const key of watch.keys()) this.index(this.byEntity, key, before.id, false);
    const next = new CascadeWatch(cascade, before.expects?.eventTypes ?? [], watch.states());
    open.watch = next;
    for (const key of next.keys()) this.index(this.byEntity, key, before.id, true);
    open.prediction = { ...before, message: composed.message, tally: next.tally(), revisions };
    this.progressed.set(before.id, open.prediction);
  }

  /** The predictions this event judges (came true, or withdrawn). */
  observe(event: IndexedEvent): Prediction[] {
    const ids = event.entityKey ? this.byEntity.get(event.entityKey) : undefined;
    if (!ids) return [];
    const judged: Prediction[] = [];
    for (const id of [...ids]) {
      const open = this.open.get(id) as OpenPrediction;
      if (open.watch) {
        if (event.at < open.issuedMs || event.at > open.deadlineMs) continue;
        const step = open.watch.observe(event);
        if (step.kind === 'close') judged.push(this.judge(open, step.result));
        else if (step.kind === 'progress') this.progressed.set(id, (open.prediction = { ...open.prediction, tally: open.watch.tally() }));
        continue;
      }
      const expects = open.prediction.expects;
      const container = event.event.kubernetes?.container;
      if (!expects || (expects.container && container && container !== expects.container)) continue;
      if (event.at < open.issuedMs || event.at > open.deadlineMs) continue;
      if (expects.eventTypes.includes(event.event.type)) judged.push(this.judge(open, { status: 'came_true', at: event.event.timestamp, eventId: event.event.id }));
      else if (event.event.type === 'resource_usage' && expects.container && container === expects.container) {
        const reason = this.sample(open, event);
        if (reason) judged.push(this.judge(open, { status: 'did_not_happen', at: event.event.timestamp, reason }));
      }
    }
    return judged;
  }

  /** The predictions whose deadline passed by `nowMs` (event time) without the expected event. */
  expire(nowMs: number): Prediction[] {
    if (nowMs <= this.nextDeadlineMs) return [];
    const judged: Prediction[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const open of [...this.open.values()]) {
      if (open.deadlineMs < nowMs) judged.push(this.judge(open, open.watch ? open.watch.closeAt(iso(open.deadlineMs)) : { status: 'did_not_happen', at: iso(open.deadlineMs) }));
      else next = Math.min(next, open.deadlineMs);
    }
    this.nextDeadlineMs = next;
    return judged;
  }

  /** The predictions with a deadline issued for an incident, open or judged, oldest first. */
  ofInsight(insightId: string): Prediction[] {
    const ids = this.byInsight.get(insightId);
    if (!ids) return [];
    const found = [...ids].map((id) => this.judged.get(id) ?? this.open.get(id)?.prediction).filter((prediction): prediction is Prediction => prediction !== undefined);
    return found.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** A prediction as tracked: with its result once judged. */
  current(prediction: Prediction): Prediction {
    return this.judged.get(prediction.id) ?? this.open.get(prediction.id)?.prediction ?? prediction;
  }

  /**
   * Takes a kubelet sample of the predicted container; the reason to withdraw once the last
   * samples show the line no longer rising (falling back or levelled off) well below the limit.
   */
  private sample(open: OpenPrediction, event: IndexedEvent): string | undefined {
    const metrics = event.event.metrics ?? {};
    const bytes = metrics['memory.working_set_bytes'];
    const limit = metrics['memory.limit_bytes'];
    if (typeof bytes !== 'number' || typeof limit !== 'number' || limit <= 0) return undefined;
    open.samples.push(bytes);
    if (open.samples.length > WITHDRAW_AFTER_SAMPLES) open.peakBefore = Math.max(open.peakBefore, open.samples.shift() as number);
    if (open.samples.length < WITHDRAW_AFTER_SAMPLES || bytes >= limit * CALM_SHARE) return undefined;
    if (slope(open.samples) > 0 || Math.max(...open.samples) > open.peakBefore) return undefined;
    return `withdrawn: the working set fell back or levelled off at ${Math.round((bytes / limit) * 100)}% of the limit over ${WITHDRAW_AFTER_SAMPLES} kubelet samples`;
  }

  /** What a prediction keeps from when it was issued (and, counting pods, what it said and how it stands). */
  private issued(prediction: Prediction): Pick<Prediction, 'createdAt'> & Partial<Pick<Prediction, 'expects' | 'deadline' | 'message' | 'tally' | 'revisions'>> {
    // Assigned field by field in the order the spreads it replaces gave (re-rating calls this for
    // every open incident of a pattern): conditional spreads build each object through a slow path.
    const kept: ReturnType<PredictionTracker['issued']> = { createdAt: prediction.createdAt };
    if (prediction.expects) kept.expects = prediction.expects;
    if (prediction.deadline) kept.deadline = prediction.deadline;
    if (!prediction.tally) return kept;
    kept.message = prediction.message;
    kept.tally = prediction.tally;
    if (prediction.revisions) kept.revisions = prediction.revisions;
    return kept;
  }

  private judge(open: OpenPrediction, result: PredictionResult): Prediction {
    this.remove(open);
    if (result.status === 'came_true') this.counts.cameTrue += 1;
    else if (result.status === 'partly_true') this.counts.partlyTrue += 1;
    else this.counts.didNotHappen += 1;
    const judged = { ...open.prediction, ...(open.watch ? { tally: open.watch.tally() } : {}), result };
    this.judged.set(judged.id, judged);
    if (this.judged.size > this.maxTracked) {
      const oldest = this.judged.values().next().value as Prediction;
      this.judged.delete(oldest.id);
      this.index(this.byInsight, oldest.insightId, oldest.id, false);
    }
    return judged;
  }

  private index(map: Map<string, Set<string>>, key: string | undefined, id: string, add: boolean): void {
    if (key === undefined) return;
    let ids = map.get(key);
    if (add) {
      if (!ids) map.set(key, (ids = new Set()));
      ids.add(id);
      return;
    }
    ids?.delete(id);
    if (ids?.size === 0) map.delete(key);
  }

  private remove(open: OpenPrediction): void {
    this.open.delete(open.prediction.id);
    this.progressed.delete(open.prediction.id);
    for (const key of open.watch ? open.watch.keys() : [open.entityKey]) this.index(this.byEntity, key, open.prediction.id, false);
  }

  private forgetDueFirst(): void {
    let first: OpenPrediction | undefined;
    for (const open of this.open.values()) if (!first || open.deadlineMs < first.deadlineMs) first = open;
    if (!first) return;
    this.remove(first);
    this.index(this.byInsight, first.prediction.insightId, first.prediction.id, false);
    this.counts.dropped += 1;
  }
}

/** Least-squares slope of evenly spaced values (per step). */
function slope(values: readonly number[]): number {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((sum, value) => sum + value, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((value, index) => {
    num += (index - meanX) * (value - meanY);
    den += (index - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

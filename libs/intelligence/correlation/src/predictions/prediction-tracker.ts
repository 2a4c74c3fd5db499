import { entityKey, type IndexedEvent, type Prediction, type PredictionResult } from '@tapio/domain';
import { iso } from '../story/entity-refs.js';

export const DEFAULT_MAX_TRACKED_PREDICTIONS = 10_000;

/** What the tracker did so far, for metrics: open now, judged either way, and dropped unjudged beyond the bound. */
export interface PredictionTrackerStats {
  open: number;
  cameTrue: number;
  didNotHappen: number;
  /** Open predictions forgotten before their deadline because `maxTracked` others were open: never judged. */
  dropped: number;
}

interface OpenPrediction {
  prediction: Prediction;
  entityKey: string;
  issuedMs: number;
  deadlineMs: number;
}

/**
 * Predictions that say what to expect by when (`expects`, `deadline`), judged by the events
 * that follow: the expected event about the expected entity (and container, when both name
 * one) by the deadline makes it `came_true`; the deadline passing (event time) without it
 * makes it `did_not_happen`. A prediction composed again for its incident keeps the deadline
 * it was issued with and, once judged, its result. Bounded: beyond `maxTracked` open
 * predictions the one due first is forgotten (counted in `stats().dropped`: it is never
 * judged), and as many judged ones are remembered.
 */
export class PredictionTracker {
  private readonly open = new Map<string, OpenPrediction>();
  private readonly byEntity = new Map<string, Set<string>>();
  private readonly judged = new Map<string, Prediction>();
  /** Prediction ids by the incident (insight) they were issued for, open and judged: its story tells them. */
  private readonly byInsight = new Map<string, Set<string>>();
  private nextDeadlineMs = Number.POSITIVE_INFINITY;
  private readonly counts = { cameTrue: 0, didNotHappen: 0, dropped: 0 };

  constructor(private readonly maxTracked = DEFAULT_MAX_TRACKED_PREDICTIONS) {}

  get openCount(): number {
    return this.open.size;
  }

  stats(): PredictionTrackerStats {
    return { open: this.open.size, ...this.counts };
  }

  /** Takes a prediction as composed; returns it as it stands (its first deadline and expectation, its result once judged). */
  track(prediction: Prediction): Prediction {
    const judged = this.judged.get(prediction.id);
    if (judged) return { ...prediction, ...this.issued(judged), ...(judged.result ? { result: judged.result } : {}) };
    const open = this.open.get(prediction.id);
    if (open) return (open.prediction = { ...prediction, ...this.issued(open.prediction) });
    if (!prediction.expects || !prediction.deadline || prediction.result) return prediction;
    const key = entityKey(prediction.expects.entity);
    const deadlineMs = Date.parse(prediction.deadline);
    this.open.set(prediction.id, { prediction, entityKey: key, issuedMs: Date.parse(prediction.createdAt), deadlineMs });
    let ids = this.byEntity.get(key);
    if (!ids) this.byEntity.set(key, (ids = new Set()));
    ids.add(prediction.id);
    this.index(this.byInsight, prediction.insightId, prediction.id, true);
    this.nextDeadlineMs = Math.min(this.nextDeadlineMs, deadlineMs);
    if (this.open.size > this.maxTracked) this.forgetDueFirst();
    return prediction;
  }

  /** The predictions this event makes come true. */
  observe(event: IndexedEvent): Prediction[] {
    const ids = event.entityKey ? this.byEntity.get(event.entityKey) : undefined;
    if (!ids) return [];
    const judged: Prediction[] = [];
    for (const id of [...ids]) {
      const open = this.open.get(id) as OpenPrediction;
      const expects = open.prediction.expects;
      if (!expects?.eventTypes.includes(event.event.type)) continue;
      const container = event.event.kubernetes?.container;
      if (expects.container && container && container !== expects.container) continue;
      if (event.at < open.issuedMs || event.at > open.deadlineMs) continue;
      judged.push(this.judge(open, { status: 'came_true', at: event.event.timestamp, eventId: event.event.id }));
    }
    return judged;
  }

  /** The predictions whose deadline passed by `nowMs` (event time) without the expected event. */
  expire(nowMs: number): Prediction[] {
    if (nowMs <= this.nextDeadlineMs) return [];
    const judged: Prediction[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const open of [...this.open.values()]) {
      if (open.deadlineMs < nowMs) judged.push(this.judge(open, { status: 'did_not_happen', at: iso(open.deadlineMs) }));
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

  private issued(prediction: Prediction): Pick<Prediction, 'expects' | 'deadline' | 'createdAt'> {
    return { createdAt: prediction.createdAt, ...(prediction.expects ? { expects: prediction.expects } : {}), ...(prediction.deadline ? { deadline: prediction.deadline } : {}) };
  }

  private judge(open: OpenPrediction, result: PredictionResult): Prediction {
    this.remove(open);
    if (result.status === 'came_true') this.counts.cameTrue += 1;
    else this.counts.didNotHappen += 1;
    const judged = { ...open.prediction, result };
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
    const ids = this.byEntity.get(open.entityKey);
    ids?.delete(open.prediction.id);
    if (ids?.size === 0) this.byEntity.delete(open.entityKey);
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

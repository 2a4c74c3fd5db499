import type { BusHeaders, EventBus, Insight } from '@tapio/domain';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Slot {
  insight: Insight;
  /** The order in which the engine produced this version (higher is newer). */
  seq: number;
  headers: BusHeaders | undefined;
  /** Every caller whose version this one carries or supersedes. */
  waiters: Waiter[];
}

/**
 * The bus message id of one version of an insight: the bus drops a second copy of the same
 * version (a redelivered event that recomputes it). The confidence is part of it because an
 * incident is re-rated without a new symptom or a later lastSeen; without it the bus took
 * such a version for a repeat and dropped it, and consumers kept a stale confidence and story.
 */
export function insightMessageId(insight: Insight): string {
  return `${insight.id}@${insight.lastSeen}#${insight.symptoms.length}~${insight.confidence}`;
}

/**
 * Puts the insights the correlation stage changed on the bus, each incident's newest
 * version once per event-loop turn. The durable consumer runs up to 64 events' handlers
 * at once, and an incident that gains several symptoms in one delivered batch used to be
 * published whole (~54 KB, symptoms and all) once per event, each message superseded by
 * the next before anyone could act on it. Here the versions offered in one turn share a
 * slot per insight id; the newest by engine order (`seq`) is the one published, and every
 * caller of the turn resolves once that message is stored (or rejects with its error), so
 * an event is still acknowledged only after an insight that includes its effect is
 * durable on the bus. A consumer sees fewer intermediate versions and the same latest
 * state; after a crash the unacknowledged events come again and republish as before.
 */
export class InsightPublisher {
  private readonly pending = new Map<string, Slot>();
  private scheduled = false;
  /** Versions offered, and versions that went on the bus (the rest were superseded in their turn). */
  readonly counters = { offered: 0, published: 0 };

  constructor(private readonly bus: Pick<EventBus, 'publish'>) {}

  /** Offers the insights one engine call produced (its order `seq`); resolves once each is on the bus in this or a newer version. */
  publish(insights: readonly Insight[], seq: number, headers?: BusHeaders): Promise<void> {
    if (insights.length === 0) return Promise.resolve();
    if (insights.length === 1) return this.offer(insights[0] as Insight, seq, headers);
    return Promise.all(insights.map((insight) => this.offer(insight, seq, headers))).then(() => undefined);
  }

  /** Publishes what waits now (also done at the end of the turn). */
  flush(): void {
    this.scheduled = false;
    const slots = [...this.pending.values()];
    this.pending.clear();
    for (const slot of slots) {
      this.counters.published += 1;
      this.bus.publish('insights', slot.insight, insightMessageId(slot.insight), slot.headers).then(
        () => {
          for (const waiter of slot.waiters) waiter.resolve();
        },
        (error: Error) => {
          for (const waiter of slot.waiters) waiter.reject(error);
        },
      );
    }
  }

  private offer(insight: Insight, seq: number, headers: BusHeaders | undefined): Promise<void> {
    this.counters.offered += 1;
    return new Promise<void>((resolve, reject) => {
      const slot = this.pending.get(insight.id);
      if (!slot) {
        this.pending.set(insight.id, { insight, seq, headers, waiters: [{ resolve, reject }] });
      } else {
        // Graph writes may finish out of engine order: an older version never replaces a newer one.
        if (seq >= slot.seq) {
          slot.insight = insight;
          slot.seq = seq;
          slot.headers = headers;
        }
        slot.waiters.push({ resolve, reject });
      }
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }
}

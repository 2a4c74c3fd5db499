/** One message's real failures in this process: how many, and the last one's reason. */
export interface FailureRecord {
  count: number;
  lastReason: string;
}

/** How many messages' failures are remembered at most; the oldest is forgotten first. */
export const FAILURE_BOOK_LIMIT = 10_000;

/**
 * Counts real handler failures per event (keyed by stream, durable, stream sequence and
 * the event's index in its batch envelope),
 * so that dead-lettering follows them and not JetStream's delivery count: a delivery count
 * also goes up each time a consumer process dies holding the message (kill -9, OOM,
 * rollout), which says nothing about the message. Failures are a handler that threw, or
 * one that did not answer within its bound while its process lived on.
 *
 * Kept in memory, across reconnects, for the whole bus: a process that dies forgets them,
 * so a failing message gets up to `maxFailures` more tries after each restart; the
 * delivery-count backstop (`consume.maxDeliver`) bounds that, and dead-letters a message
 * that kills its consumer every time. Several processes of one consumer group each count
 * their own failures of a message.
 */
export class FailureBook {
  private readonly records = new Map<string, FailureRecord>();

  constructor(private readonly limit = FAILURE_BOOK_LIMIT) {}

  /** `index`: the event's place in a batch envelope (events of one message fail apart). */
  static key(stream: string, durable: string, sequence: number, index = 0): string {
    return index === 0 ? `${stream}/${durable}/${sequence}` : `${stream}/${durable}/${sequence}/${index}`;
  }

  /** Records one failure; returns the message's failures so far. */
  fail(key: string, reason: string): number {
    const record = this.records.get(key);
    const count = (record?.count ?? 0) + 1;
    // Delete then set: the message moves to the newest end of the insertion order.
    this.records.delete(key);
    this.records.set(key, { count, lastReason: reason });
    while (this.records.size > this.limit) {
      const oldest = this.records.keys().next().value as string;
      this.records.delete(oldest);
    }
    return count;
  }

  /**
   * Why a message is dead-lettered before its handler runs, if it is: it came more than
   * `maxDeliver` times (the backstop: its consumer's process died or hung with every
   * delivery, as with a message that crashes it), or its handler already failed
   * `maxFailures` times here (the last of them a hang, counted while it was held).
   */
  refusal(key: string, deliveries: number, limits: { maxFailures: number; maxDeliver: number }, handler: string): string | undefined {
    const record = this.records.get(key);
    const last = record ? `; last failure: ${record.lastReason}` : '';
    if (deliveries > limits.maxDeliver) {
      return `${handler} never answered ${deliveries - 1} deliveries (consume.maxDeliver: its process died or hung with each, as with a message that crashes its consumer)${last}`;
    }
    if (record && record.count >= limits.maxFailures) return `${handler} failed ${record.count} times${last}`;
    return undefined;
  }

  get(key: string): FailureRecord | undefined {
    return this.records.get(key);
  }

  /** The message was acknowledged or dead-lettered: its failures no longer matter. */
  forget(key: string): void {
    this.records.delete(key);
  }

  get size(): number {
    return this.records.size;
  }
}

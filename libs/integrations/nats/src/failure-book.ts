/** One message's real failures in this process: how many, and the last one's reason. */
export interface FailureRecord {
  count: number;
  lastReason: string;
}

/** Where failure counts outlive their process (NatsFailureStore: a JetStream stream keyed by message). */
export interface FailureStore {
  load(stream: string, durable: string): Promise<Map<string, FailureRecord>>;
  get(key: string): Promise<FailureRecord | undefined>;
  put(key: string, record: FailureRecord): Promise<void>;
  remove(key: string): Promise<void>;
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
 * Kept in memory, across reconnects, for the whole bus, and with a store (`attach`) written
 * there before the failed message is sent back: a process killed between two failures of a
 * message, and another process of its group, go on from the stored count (read when a
 * consumer starts, and for each redelivery not counted here). The delivery-count backstop
 * (`consume.maxDeliver`) dead-letters a message that kills its consumer every time, which
 * never lets it count a failure.
 */
export class FailureBook {
  private readonly records = new Map<string, FailureRecord>();
  private store: FailureStore | undefined;

  /**
   * `onStoreError`: a store read or write that failed (the count stays here, so nothing
   * stops; but a process killed next starts that message's count again, which an operator
   * should be able to see).
   */
  constructor(
    private readonly limit = FAILURE_BOOK_LIMIT,
    private readonly onStoreError: (operation: 'get' | 'put' | 'remove', key: string, error: Error) => void = () => undefined,
  ) {}

  /** `index`: the event's place in a batch envelope (events of one message fail apart). */
  static key(stream: string, durable: string, sequence: number, index = 0): string {
    return `${stream}/${durable}/${sequence}/${index}`;
  }

  /** Keeps counts in `store` from now on (a new connection brings a new one). */
  attach(store: FailureStore): void {
    this.store = store;
  }

  /** Takes in the stored counts of one durable's messages (its consumer starts); the higher count wins. */
  async load(stream: string, durable: string): Promise<void> {
    if (!this.store) return;
    for (const [key, record] of await this.store.load(stream, durable)) this.merge(key, record);
  }

  /**
   * A redelivery (`deliveries` > 1) not counted here may have failed in a process before:
   * read its stored count. A store that cannot be reached (a server restarting: the read
   * times out) leaves the count here, as in failDurably; the backstop (maxDeliver) still
   * bounds the message. Rejecting here failed the handler's promise, which nothing awaits:
   * a chaos run's correlation process exited on that unhandled TimeoutError.
   */
  recall(key: string, deliveries: number): Promise<void> | undefined {
    const store = this.store;
    if (!store || deliveries <= 1 || this.records.has(key)) return undefined;
    return store.get(key).then(
      (record) => {
        if (record) this.merge(key, record);
      },
      (error: Error) => this.onStoreError('get', key, error),
    );
  }

  /** Records one failure and stores it before resolving (a store that cannot be reached leaves the count here). */
  async failDurably(key: string, reason: string): Promise<number> {
    const count = this.fail(key, reason);
    const record = this.records.get(key);
    if (this.store && record) await this.store.put(key, { count, lastReason: record.lastReason.slice(0, 1_000) }).catch((error: Error) => this.onStoreError('put', key, error));
    return count;
  }

  private merge(key: string, record: FailureRecord): void {
    if ((this.records.get(key)?.count ?? 0) >= record.count) return;
    this.records.set(key, { count: record.count, lastReason: record.lastReason });
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
    if (this.records.delete(key)) this.store?.remove(key).catch((error: Error) => this.onStoreError('remove', key, error));
  }

  get size(): number {
    return this.records.size;
  }
}

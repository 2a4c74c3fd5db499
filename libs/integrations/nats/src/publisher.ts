import type { JetStreamClient } from '@nats-io/jetstream';

/** `publish()` refused a message because the bounded buffer was full; the message is counted in `dropped`. */
export class BusOverflowError extends Error {
  constructor(subject: string, id: string, buffered: number, why: string) {
    super(`NATS publish buffer full (${buffered} messages, ${why}); dropped ${subject} message ${id}`);
    this.name = 'BusOverflowError';
  }
}

interface Pending {
  seq: number;
  subject: string;
  payload: Uint8Array;
  id: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface PublisherLimits {
  maxInFlight: number;
  maxBuffered: number;
  ackTimeoutMs: number;
}

export interface PublisherCounters {
  /** Stored by the server (first time for its id). */
  published: number;
  /** Acknowledged as a repeat of an id the server already had. */
  duplicates: number;
  /** Refused because the buffer was full, or still unsent when the bus closed. */
  dropped: number;
  /** Sends that failed (timeout, disconnect, stream full) and were sent again. */
  retries: number;
  /** Refused for good by the server (e.g. larger than max_payload). */
  rejected: number;
}

// Short enough that a stream freed by its consumers is refilled at once.
const MAX_PAUSE_MS = 500;

function isPermanent(error: Error): boolean {
  return /max(imum)?[ _]payload|message size exceeds|invalid subject/i.test(error.message);
}

/**
 * Sends publishes to JetStream with at most `maxInFlight` waiting for their
 * acknowledgement, keeps up to `maxBuffered` more while disconnected or while the window
 * is full, and resends with the same Nats-Msg-Id after any doubtful failure (the server
 * drops the copy if the first one had been stored). A `publish()` promise resolves once
 * the server stored the message, so awaiting callers get backpressure.
 */
export class JetStreamPublisher {
  readonly counters: PublisherCounters = { published: 0, duplicates: 0, dropped: 0, retries: 0, rejected: 0 };
  lastError: string | undefined;
  private js: JetStreamClient | undefined;
  private readonly queue: Pending[] = [];
  private queueHead = 0;
  /** Failed sends, kept in publish order and sent before anything newer. */
  private readonly retryQueue: Pending[] = [];
  private inFlight = 0;
  private nextSeq = 0;
  private failuresInARow = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly limits: PublisherLimits) {}

  /** Start (or resume after a reconnect) sending through this client. */
  attach(js: JetStreamClient): void {
    this.js = js;
    this.pump();
  }

  /** Stop sending: the connection is down. Queued publishes wait. */
  detach(): void {
    this.js = undefined;
  }

  get buffered(): number {
    return this.queue.length - this.queueHead + this.retryQueue.length;
  }

  get sending(): number {
    return this.inFlight;
  }

  publish(subject: string, payload: Uint8Array, id: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`NATS event bus is closed; cannot publish ${subject} message ${id}`));
    if (this.buffered >= this.limits.maxBuffered) {
      this.counters.dropped += 1;
      const why = this.js ? 'NATS is not acknowledging fast enough' : 'NATS is unreachable';
      return Promise.reject(new BusOverflowError(subject, id, this.buffered, why));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ seq: this.nextSeq++, subject, payload, id, resolve, reject });
      this.pump();
    });
  }

  /** Resolves when nothing is buffered or waiting for an acknowledgement. */
  whenIdle(): Promise<void> {
    if (this.buffered === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new publishes and fails what was never stored (counted as dropped). */
  close(reason: string): void {
    this.closed = true;
    this.js = undefined;
    if (this.timer) clearTimeout(this.timer);
    const unsent = [...this.retryQueue.splice(0), ...this.queue.splice(this.queueHead)];
    this.queue.length = 0;
    this.queueHead = 0;
    this.counters.dropped += unsent.length;
    for (const pending of unsent) pending.reject(new Error(`${reason}; ${pending.subject} message ${pending.id} was not stored`));
    this.notifyIdle();
  }

  private next(): Pending | undefined {
    if (this.retryQueue.length > 0) return this.retryQueue.shift();
    if (this.queueHead >= this.queue.length) return undefined;
    const pending = this.queue[this.queueHead];
    this.queue[this.queueHead] = undefined as unknown as Pending;
    this.queueHead += 1;
    // Compact now and then so the array does not grow without bound.
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    return pending;
  }

  private pump(): void {
    const js = this.js;
    if (!js || this.closed) return;
    const now = Date.now();
    if (now < this.pausedUntil) {
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, this.pausedUntil - now);
      }
      return;
    }
    while (this.inFlight < this.limits.maxInFlight) {
      const pending = this.next();
      if (!pending) break;
      this.send(js, pending);
    }
  }

  private send(js: JetStreamClient, pending: Pending): void {
    this.inFlight += 1;
    js.publish(pending.subject, pending.payload, { msgID: pending.id, timeout: this.limits.ackTimeoutMs }).then(
      (ack) => {
        this.inFlight -= 1;
        this.failuresInARow = 0;
        if (ack.duplicate) this.counters.duplicates += 1;
        else this.counters.published += 1;
        pending.resolve();
        this.afterSettle();
      },
      (error: Error) => {
        this.inFlight -= 1;
        this.lastError = `${pending.subject}: ${error.message}`;
        if (this.closed) {
          this.counters.dropped += 1;
          pending.reject(new Error(`NATS event bus closed before ${pending.subject} message ${pending.id} was stored: ${error.message}`));
        } else if (isPermanent(error)) {
          this.counters.rejected += 1;
          pending.reject(new Error(`NATS refused ${pending.subject} message ${pending.id}: ${error.message}`));
        } else {
          // Timeout, disconnect, stream full (discard: new): back off, then send the
          // same id again. The pause is shared: a full stream slows every publisher.
          this.counters.retries += 1;
          this.failuresInARow += 1;
          this.pausedUntil = Date.now() + Math.min(MAX_PAUSE_MS, 25 * 2 ** Math.min(this.failuresInARow, 10));
          this.requeue(pending);
        }
        this.afterSettle();
      },
    );
  }

  private requeue(pending: Pending): void {
    let index = this.retryQueue.length;
    while (index > 0 && (this.retryQueue[index - 1] as Pending).seq > pending.seq) index -= 1;
    this.retryQueue.splice(index, 0, pending);
  }

  private afterSettle(): void {
    this.pump();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length > 0 && this.buffered === 0 && this.inFlight === 0) {
      for (const waiter of this.idleWaiters.splice(0)) waiter();
    }
  }
}

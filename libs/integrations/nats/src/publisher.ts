import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { BusHeaders, CircuitBreaker } from '@tapio/domain';
import { BusOverflowError, isPermanent, type PubAckReply } from './publish-outcomes.js';

interface Pending {
  seq: number;
  subject: string;
  payload: Uint8Array;
  id: string;
  /** Headers beside the message (the publisher's trace context); Nats-Msg-Id is added. */
  headers: BusHeaders | undefined;
  /** With the stream sequence the server stored it at. */
  resolve: (seq: number) => void;
  reject: (error: Error) => void;
}

export interface PublisherLimits {
  maxInFlight: number;
  maxBuffered: number;
  ackTimeoutMs: number;
  /** Around every send (`nats-publish`): open, what is accepted is held here and one message at a time probes. */
  circuit: CircuitBreaker;
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

interface Sent {
  pending: Pending;
  sentAt: number;
  /** Tells the circuit how the send ended (an error: it failed). */
  settle: (error?: Error) => void;
}

const decoder = new TextDecoder();

/**
 * Sends publishes to JetStream asynchronously: each message goes out with a reply
 * subject under one inbox, and the server's PubAck comes back there. At most
 * `maxInFlight` messages wait for their acknowledgement; up to `maxBuffered` more wait
 * here while disconnected or while the window is full. After any doubtful failure
 * (timeout, disconnect, stream full) the message is sent again with the same
 * Nats-Msg-Id, so the server drops the copy if the first one had been stored. A
 * `publish()` promise resolves (with its stream sequence) once the server stored the message, so awaiting callers
 * get backpressure. Every send goes through the `nats-publish` circuit breaker: after
 * `circuit.failures` sends in a row timed out, lost their connection or found no JetStream,
 * it opens and nothing is sent (what is accepted waits in the bounded buffer) until one
 * message probes `halfOpenAfterMs` later.
 */
export class JetStreamPublisher {
  readonly counters: PublisherCounters = { published: 0, duplicates: 0, dropped: 0, retries: 0, rejected: 0 };
  lastError: string | undefined;
  private nc: NatsConnection | undefined;
  private connected = false;
  private inbox = '';
  private replies: Subscription | undefined;
  private readonly queue: Pending[] = [];
  private queueHead = 0;
  /** Failed sends, kept in publish order and sent before anything newer. */
  private readonly retryQueue: Pending[] = [];
  /** Waiting for a PubAck, by reply token, oldest first. */
  private readonly inFlightByToken = new Map<string, Sent>();
  private nextSeq = 0;
  private nextToken = 0;
  private failuresInARow = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;
  private pumpScheduled = false;
  private circuitReady = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly limits: PublisherLimits) {
    // Loaded before the first send, so each send leaves in the turn the pump runs.
    limits.circuit.ready().then(
      () => {
        this.circuitReady = true;
        this.schedulePump();
      },
      (error: unknown) => (this.lastError = `circuit breaker not loaded: ${String(error)}`),
    );
    limits.circuit.onStateChange((state) => {
      if (state === 'closed') this.schedulePump();
    });
  }

  /** Start (or resume after a reconnect) sending on this connection. */
  attach(nc: NatsConnection): void {
    if (this.nc !== nc) {
      this.replies?.unsubscribe();
      this.nc = nc;
      this.inbox = createInbox();
      this.replies = nc.subscribe(`${this.inbox}.*`, { callback: (error, msg) => (error ? undefined : this.onReply(msg)) });
      this.sweeper ??= setInterval(() => this.sweep(), Math.max(50, Math.min(1_000, this.limits.ackTimeoutMs / 4)));
      this.sweeper.unref();
    }
    this.connected = true;
    this.pump();
  }

  /**
   * Stop sending: the connection is down. Acknowledgements of what was in flight went to
   * the lost connection, so those are queued again at once (same id: no double).
   */
  detach(): void {
    this.connected = false;
    for (const sent of this.inFlightByToken.values()) {
      this.counters.retries += 1;
      sent.settle(new Error('connection to NATS lost before the acknowledgement'));
      this.requeue(sent.pending);
    }
    this.inFlightByToken.clear();
  }

  get buffered(): number {
    return this.queue.length - this.queueHead + this.retryQueue.length;
  }

  get sending(): number {
    return this.inFlightByToken.size;
  }

  /** `id`: the Nats-Msg-Id the server de-duplicates by; empty: none (only where storing a message twice is harmless). */
  publish(subject: string, payload: Uint8Array, id: string, extra?: BusHeaders): Promise<number> {
    if (this.closed) return Promise.reject(new Error(`NATS event bus is closed; cannot publish ${subject} message ${id}`));
    if (this.buffered >= this.limits.maxBuffered) {
      this.counters.dropped += 1;
      const why = this.connected ? 'NATS is not acknowledging fast enough' : 'NATS is unreachable';
      return Promise.reject(new BusOverflowError(subject, id, this.buffered, why));
    }
    // Held instead of sent: the circuit's refusals count the publishes it kept back.
    if (this.limits.circuit.state !== 'closed') this.limits.circuit.report.refused();
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ seq: this.nextSeq++, subject, payload, id, headers: extra, resolve, reject });
      this.schedulePump();
    });
  }

  /** Resolves when nothing is buffered or waiting for an acknowledgement. */
  whenIdle(): Promise<void> {
    if (this.buffered === 0 && this.sending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new publishes and fails what was never stored (counted as dropped). */
  close(reason: string): void {
    this.closed = true;
    this.connected = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.sweeper) clearInterval(this.sweeper);
    this.replies?.unsubscribe();
    for (const sent of this.inFlightByToken.values()) sent.settle();
    const unsent = [...[...this.inFlightByToken.values()].map((sent) => sent.pending), ...this.retryQueue.splice(0), ...this.queue.splice(this.queueHead)];
    this.inFlightByToken.clear();
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
    const nc = this.nc;
    if (!nc || !this.connected || this.closed || !this.circuitReady) return;
    const now = Date.now();
    if (now < this.pausedUntil) return this.wakeIn(this.pausedUntil - now);
    const circuit = this.limits.circuit;
    if (circuit.state !== 'closed') {
      // Open: everything accepted waits here instead of being resent every pause. Once it may
      // try again, one message probes (half-open); its acknowledgement closes the circuit, its
      // failure or timeout opens it again. Sends from before it opened settle first.
      if (circuit.state === 'half-open' || this.inFlightByToken.size > 0) return;
      if (circuit.retryInMs(now) > 0) return this.wakeIn(circuit.retryInMs(now));
      const probe = this.next();
      if (probe) this.send(nc, probe, now);
      return;
    }
    while (this.inFlightByToken.size < this.limits.maxInFlight) {
      const pending = this.next();
      if (!pending) break;
      this.send(nc, pending, now);
    }
  }

  private wakeIn(ms: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }

  /** Through the circuit, which sees the send end when its acknowledgement, failure or timeout settles it. */
  private send(nc: NatsConnection, pending: Pending, now: number): void {
    const token = (this.nextToken++).toString(36);
    // No id (the state store's writes: a repeat of a key's value is harmless), no headers: none are encoded.
    const msgHeaders = pending.id || pending.headers ? headers() : undefined;
    if (pending.headers) for (const [name, value] of Object.entries(pending.headers)) msgHeaders?.set(name, value);
    if (pending.id) msgHeaders?.set('Nats-Msg-Id', pending.id);
    const sending = () =>
      new Promise<void>((resolve, reject) => {
        this.inFlightByToken.set(token, { pending, sentAt: now, settle: (error) => (error ? reject(error) : resolve()) });
        try {
          nc.publish(pending.subject, pending.payload, msgHeaders ? { reply: `${this.inbox}.${token}`, headers: msgHeaders } : { reply: `${this.inbox}.${token}` });
        } catch (error) {
          this.inFlightByToken.delete(token);
          this.failed(pending, error as Error);
          reject(error as Error);
        }
      });
    this.limits.circuit.run(sending).catch((error: unknown) => {
      // Refused (it opened between the pump's look and this send): never sent, so held again.
      if (error instanceof Error && error.name === 'CircuitOpenError') {
        this.requeue(pending);
        this.wakeIn(this.limits.circuit.retryInMs());
      }
    });
  }

  private onReply(msg: Msg): void {
    const token = msg.subject.slice(this.inbox.length + 1);
    const sent = this.inFlightByToken.get(token);
    if (!sent) return; // already timed out and resent: the resend decides
    this.inFlightByToken.delete(token);
    const pending = sent.pending;
    if (msg.headers?.hasError) {
      // 503: no stream listens (yet) on this subject, e.g. JetStream still recovering.
      const error = new Error(`${msg.headers.code} ${msg.headers.description || 'no responders'}`);
      sent.settle(error);
      this.failed(pending, error);
      this.afterSettle();
      return;
    }
    let ack: PubAckReply;
    try {
      ack = JSON.parse(decoder.decode(msg.data)) as PubAckReply;
    } catch {
      ack = { error: { description: `unreadable acknowledgement "${decoder.decode(msg.data).slice(0, 100)}"` } };
    }
    if (ack.error) {
      const error = new Error(ack.error.description ?? `JetStream error ${ack.error.err_code ?? ack.error.code}`);
      sent.settle(error);
      this.failed(pending, error);
    } else {
      sent.settle();
      this.failuresInARow = 0;
      if (ack.duplicate) this.counters.duplicates += 1;
      else this.counters.published += 1;
      pending.resolve(ack.seq ?? 0);
    }
    this.afterSettle();
  }

  /** Messages with no acknowledgement after ackTimeout: lost with a connection, or the server is stuck. */
  private sweep(): void {
    const deadline = Date.now() - this.limits.ackTimeoutMs;
    let expired = false;
    for (const [token, sent] of this.inFlightByToken) {
      if (sent.sentAt > deadline) break; // insertion order: the rest are younger
      this.inFlightByToken.delete(token);
      const error = new Error(`no acknowledgement within ${this.limits.ackTimeoutMs} ms`);
      sent.settle(error);
      this.failed(sent.pending, error);
      expired = true;
    }
    if (expired) this.afterSettle();
  }

  private failed(pending: Pending, error: Error): void {
    this.lastError = `${pending.subject}: ${error.message}`;
    if (this.closed) {
      this.counters.dropped += 1;
      pending.reject(new Error(`NATS event bus closed before ${pending.subject} message ${pending.id} was stored: ${error.message}`));
    } else if (isPermanent(error)) {
      this.counters.rejected += 1;
      pending.reject(new Error(`NATS refused ${pending.subject} message ${pending.id}: ${error.message}`));
    } else {
      // Timeout, disconnect, stream full (discard: new): back off, then send the same id
      // again. The pause is shared: a full stream slows every publisher.
      this.counters.retries += 1;
      this.failuresInARow += 1;
      this.pausedUntil = Date.now() + Math.min(MAX_PAUSE_MS, 25 * 2 ** Math.min(this.failuresInARow, 10));
      this.requeue(pending);
    }
  }

  private requeue(pending: Pending): void {
    let index = this.retryQueue.length;
    while (index > 0 && (this.retryQueue[index - 1] as Pending).seq > pending.seq) index -= 1;
    this.retryQueue.splice(index, 0, pending);
  }

  /**
   * Publishes and acknowledgements arrive in bursts: send once per event-loop turn, so a
   * burst leaves in one socket write instead of one write per message.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private afterSettle(): void {
    this.schedulePump();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length > 0 && this.buffered === 0 && this.sending === 0) {
      for (const waiter of this.idleWaiters.splice(0)) waiter();
    }
  }
}

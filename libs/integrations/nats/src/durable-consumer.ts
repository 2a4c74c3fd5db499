import { AckPolicy, DeliverPolicy, JetStreamApiError, type ConsumerConfig, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { BusDelivery, DeadLetter } from '@tapio/domain';
import type { ConsumerDeps, ConsumerSettings, ConsumerSpec } from './consumer-types.js';
import { FailureBook } from './failure-book.js';

export type { ConsumerCounters, ConsumerDeps, ConsumerSettings, ConsumerSpec } from './consumer-types.js';

/**
 * The headers a handler sees are the publisher's own (trace context); NATS' bookkeeping
 * headers stay here. `settled`: the consumer's acknowledgement floor last read from the server.
 */
function deliveryOf(msg: JsMsg, settled: number): BusDelivery {
  const headers: Record<string, string> = {};
  for (const [name, values] of msg.headers ?? []) {
    if (!name.startsWith('Nats-') && values[0] !== undefined) headers[name] = values[0];
  }
  return { id: msg.headers?.get('Nats-Msg-Id') ?? '', headers, position: { sequence: msg.seq, settled } };
}

/** How often the acknowledgement floor is read from the server (a lag only keeps a little more transformer state). */
const SETTLED_REFRESH_MS = 1_000;

/** A held message whose handler outlived its bound (counted once as a failure). */
const HUNG = Number.NEGATIVE_INFINITY;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One durable pull consumer: pulls `prefetch` messages at a time (the server holds back
 * beyond max_ack_pending unacknowledged), runs the handler with at most `concurrency` in
 * flight, in delivery order, acknowledges only after the handler resolved,
 * asks for redelivery (with a growing delay) when it rejected, and after `maxFailures`
 * real failures (FailureBook: not deliveries, which a dying process also uses up) puts
 * the message in the dead-letter sink and terminates it. A delivery beyond `maxDeliver`
 * (the backstop: a message that kills its consumer every time) is dead-lettered the same
 * way. Survives reconnects; recreates its consumer if someone deleted it.
 */
export class DurableConsumer {
  /** Messages the server still has for this consumer (from the last delivery's metadata). */
  pending = 0;
  /**
   * The stream sequence up to which every message of this consumer is acknowledged or
   * terminated (the server's ack floor, read every second): none of them comes again.
   * Messages a killed process held are redelivered only after ack_wait, after newer ones.
   */
  settled = 0;
  private settledTimer: NodeJS.Timeout | undefined;
  /** Messages this process holds, with when their handler started (undefined: waiting here): kept from redelivery while held. */
  private readonly held = new Map<JsMsg, number | undefined>();
  private heartbeat: NodeJS.Timeout | undefined;
  private active = 0;
  private stopped = false;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  /** Delivered and not yet started; at most max_ack_pending, which the server enforces. */
  private readonly waiting: JsMsg[] = [];
  private waitingHead = 0;
  private idleWaiters: Array<() => void> = [];
  /** Acknowledgements sent together once per event-loop turn: one socket write, not one per message. */
  private acks: JsMsg[] = [];
  private acksScheduled = false;

  constructor(
    readonly spec: ConsumerSpec,
    private readonly settings: ConsumerSettings,
    private readonly handler: (message: unknown, delivery: BusDelivery) => Promise<void>,
    private readonly deps: ConsumerDeps,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  config(): ConsumerConfig {
    return {
      durable_name: this.spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.spec.filter,
      ack_wait: nanos(this.settings.ackWaitMs),
      // Unlimited here; the client counts deliveries instead. When every delivery timed out
      // (a hung handler, a process killed while handling it) a server-side limit stops the
      // deliveries and leaves the message in the stream forever, unacknowledged, filling a
      // workqueue stream until it refuses every publish. The delivery after the last one
      // the handler gets dead-letters it and terminates it (which removes it).
      // consume.maxDeliver is that client-side backstop; consume.maxFailures decides first.
      max_deliver: -1,
      // The bound on what one durable holds unacknowledged across all its processes, and so
      // on each process's local queue: the server delivers no more until some are acked.
      max_ack_pending: this.maxAckPending(),
    } as ConsumerConfig;
  }

  private maxAckPending(): number {
    return Math.max(this.settings.prefetch * 4, this.settings.concurrency * 2);
  }

  /** Create the durable, or bring its settings in line; safe to race with other workers. */
  async ensure(jsm: JetStreamManager): Promise<void> {
    const config = this.config();
    try {
      await jsm.consumers.add(this.spec.stream, config);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || !/already exists/i.test(error.message)) {
        throw new Error(`cannot create NATS consumer ${this.spec.durable} on stream ${this.spec.stream} (filter ${this.spec.filter}): ${(error as Error).message}`);
      }
      const { durable_name: _durable, deliver_policy: _deliver, filter_subject: _filter, ...changeable } = config;
      await jsm.consumers.update(this.spec.stream, this.spec.durable, changeable);
    }
  }

  start(js: JetStreamClient, jsm: JetStreamManager): void {
    this.loop ??= this.run(js, jsm);
    this.heartbeat ??= setInterval(() => this.keepHeld(), Math.max(100, Math.floor(this.settings.ackWaitMs / 3)));
    this.heartbeat.unref();
  }

  /**
   * Tells the server "still working" for every message this process holds, so a handler
   * slowed by a dependency (Neo4j away for minutes, its writes waiting) or a message
   * waiting its turn here is not delivered again after ack_wait, which used to use up its
   * deliveries and dead-letter it while its process was alive. Only a process that died
   * stops the heartbeat (its messages come again after ack_wait, as before), and a handler
   * that never answers gets it for maxFailures × ack_wait per delivery (from its start):
   * then that counts as one of its message's failures, and the message is delivered again.
   */
  private keepHeld(): void {
    const boundMs = this.settings.maxFailures * this.settings.ackWaitMs;
    const limit = Date.now() - boundMs;
    for (const [msg, started] of this.held) {
      if (started !== undefined && started < limit) {
        if (started !== HUNG) {
          this.held.set(msg, HUNG);
          this.deps.failures.fail(this.failureKey(msg), `its handler did not answer within ${boundMs / 1000} s`);
        }
        continue;
      }
      try {
        msg.working();
      } catch {
        // The connection is closed: the server redelivers after ack_wait, nothing is lost.
      }
    }
  }

  /** Stop fetching; wait up to `graceMs` for running handlers (their messages are then acknowledged). */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.settledTimer) clearTimeout(this.settledTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.messages?.stop();
    this.returnWaiting();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.flushAcks();
  }

  /** Messages not yet acknowledged by this consumer, server side plus running here. */
  async backlog(jsm: JetStreamManager): Promise<number> {
    const info = await jsm.consumers.info(this.spec.stream, this.spec.durable);
    this.pending = info.num_pending;
    return info.num_pending + info.num_ack_pending + this.active;
  }

  private async run(js: JetStreamClient, jsm: JetStreamManager): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.ensure(jsm);
        await this.readSettled(jsm);
        const consumer = await js.consumers.get(this.spec.stream, this.spec.durable);
        // Callback delivery: half the per-message cost of the async iterator. The local
        // queue stays bounded because the server stops at max_ack_pending.
        const messages = await consumer.consume({ max_messages: this.settings.prefetch, callback: (msg) => this.receive(msg) });
        this.messages = messages;
        if (this.stopped) messages.stop();
        this.deps.onError(undefined);
        failures = 0;
        const ended = await messages.closed();
        if (ended instanceof Error && !this.stopped) throw ended;
      } catch (error) {
        if (this.stopped) break;
        failures += 1;
        const message = `consumer ${this.spec.durable} on ${this.spec.stream}: ${(error as Error).message}`;
        this.deps.onError(message);
        this.deps.logger.warn({ err: error, durable: this.spec.durable, stream: this.spec.stream }, 'NATS consumer failed; retrying');
        await delay(Math.min(10_000, 250 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  /** Reads the ack floor now, then every SETTLED_REFRESH_MS while running (failures wait for the next turn). */
  private async readSettled(jsm: JetStreamManager): Promise<void> {
    if (this.settledTimer) clearTimeout(this.settledTimer);
    try {
      const info = await jsm.consumers.info(this.spec.stream, this.spec.durable);
      this.settled = info.ack_floor.stream_seq;
    } catch {
      // The server is away or the consumer is being recreated: the old floor stays (a lower bound).
    }
    if (this.stopped) return;
    this.settledTimer = setTimeout(() => void this.readSettled(jsm), SETTLED_REFRESH_MS);
    this.settledTimer.unref();
  }

  private receive(msg: JsMsg): void {
    if (this.stopped) {
      // Fetched but not started: hand it back at once rather than after ack_wait.
      this.reply(msg, 'nak', () => msg.nak());
      return;
    }
    this.pending = msg.info.pending;
    this.held.set(msg, undefined);
    this.waiting.push(msg);
    this.startHandlers();
  }

  private startHandlers(): void {
    while (this.active < this.settings.concurrency && this.waitingHead < this.waiting.length) {
      const msg = this.waiting[this.waitingHead] as JsMsg;
      this.waiting[this.waitingHead] = undefined as unknown as JsMsg;
      this.waitingHead += 1;
      if (this.waitingHead === this.waiting.length) {
        this.waiting.length = 0;
        this.waitingHead = 0;
      }
      this.active += 1;
      if (this.held.has(msg)) this.held.set(msg, Date.now());
      void this.handle(msg).finally(() => {
        this.active -= 1;
        if (!this.stopped) this.startHandlers();
        if (this.active === 0 && this.idleWaiters.length > 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
      });
    }
  }

  private returnWaiting(): void {
    const waiting = this.waiting.splice(this.waitingHead);
    this.waiting.length = 0;
    this.waitingHead = 0;
    for (const msg of waiting) this.reply(msg, 'nak', () => msg.nak());
  }

  private whenIdle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async handle(msg: JsMsg): Promise<void> {
    const decoded = this.deps.codec.decode(this.spec.topic, msg.data);
    if (!decoded.ok) {
      this.deadLetter(msg, decoded.stage, decoded.reason, decoded.payload);
      this.reply(msg, 'term', () => msg.term());
      return;
    }
    if (this.spec.accepts && !this.spec.accepts(decoded.value)) {
      this.deps.counters.skipped += 1;
      this.reply(msg, 'ack', () => msg.ack());
      return;
    }
    const key = this.failureKey(msg);
    const refusal = this.deps.failures.refusal(key, msg.info.deliveryCount, this.settings, `${this.spec.topic} handler of ${this.spec.durable}`);
    if (refusal !== undefined) {
      this.giveUp(msg, key, refusal, decoded.value);
      return;
    }
    try {
      await this.handler(decoded.value, deliveryOf(msg, this.settled));
    } catch (error) {
      const failures = this.deps.failures.fail(key, (error as Error).message);
      if (failures >= this.settings.maxFailures) {
        this.giveUp(msg, key, `${this.spec.topic} handler of ${this.spec.durable} failed ${failures} times: ${(error as Error).message}`, decoded.value);
      } else {
        this.deps.counters.redelivered += 1;
        this.reply(msg, 'nak', () => msg.nak(Math.min(this.settings.ackWaitMs, this.settings.retryDelayMs * 2 ** (failures - 1))));
      }
      return;
    }
    this.deps.failures.forget(key);
    this.ackSoon(msg);
  }

  private failureKey(msg: JsMsg): string {
    return FailureBook.key(this.spec.stream, this.spec.durable, msg.seq);
  }

  private giveUp(msg: JsMsg, key: string, reason: string, payload: unknown): void {
    this.deps.failures.forget(key);
    this.deadLetter(msg, 'process', reason, payload);
    this.reply(msg, 'term', () => msg.term());
  }

  private ackSoon(msg: JsMsg): void {
    this.acks.push(msg);
    if (this.acksScheduled) return;
    this.acksScheduled = true;
    setImmediate(() => this.flushAcks());
  }

  private flushAcks(): void {
    this.acksScheduled = false;
    const acks = this.acks;
    this.acks = [];
    for (const msg of acks) if (this.reply(msg, 'ack', () => msg.ack())) this.deps.counters.delivered += 1;
  }

  /**
   * Ack/nak/term, which throw once the connection is closed (a handler that outlived
   * shutdown). The server then redelivers after ack_wait: nothing is lost.
   */
  private reply(msg: JsMsg, what: string, send: () => void): boolean {
    this.held.delete(msg);
    try {
      send();
      return true;
    } catch (error) {
      this.deps.logger.warn({ err: error, subject: msg.subject, seq: msg.seq }, `cannot ${what} message; it will be redelivered`);
      return false;
    }
  }

  // Terminations carry no reason text: servers before 2.10 do not read "+TERM <reason>" as
  // a termination, so the message would stay in the stream (and be delivered again). The
  // reason is in the dead letter.
  private deadLetter(msg: JsMsg, stage: DeadLetter['stage'], reason: string, payload: unknown): void {
    this.deps.counters.deadLettered += 1;
    const origin = `nats:${this.spec.stream}/${this.spec.durable} ${msg.subject} seq ${msg.seq}`;
    this.deps.logger.error({ stage, origin, reason }, 'message dead-lettered');
    this.deps.deadLetters?.put({ stage, reason, source: this.spec.topic, origin, at: new Date().toISOString(), payload });
  }
}

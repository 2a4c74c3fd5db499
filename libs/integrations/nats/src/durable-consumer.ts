import { AckPolicy, DeliverPolicy, JetStreamApiError, type ConsumerConfig, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { RecentIds, type BusDelivery, type DeadLetter } from '@tapio/domain';
import { AckFloor } from './ack-floor.js';
import type { ConsumerDeps, ConsumerSettings, ConsumerSpec } from './consumer-types.js';
import { decodeMessage, deliveryOf, invalidAfterFailure, type DeliveredEvent, type DeliveredMessage } from './delivered-message.js';
import { FailureBook } from './failure-book.js';
import { deadLetter, MessageReplies } from './message-replies.js';

/** How many completed event ids one consumer remembers at most (within the stream's duplicate window); the oldest is forgotten first. */
const COMPLETED_IDS_LIMIT = 100_000;

export type { ConsumerCounters, ConsumerDeps, ConsumerSettings, ConsumerSpec } from './consumer-types.js';

/** A held message whose handler outlived its bound (counted once as a failure). */
const HUNG = Number.NEGATIVE_INFINITY;

/** One event of a held message, waiting for its turn. */
interface Unit {
  message: DeliveredMessage;
  index: number;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One durable pull consumer: pulls `prefetch` messages at a time (the server holds back
 * beyond max_ack_pending unacknowledged), runs the handler once per event (a message, or
 * each member of a batch envelope) with at most `concurrency` in flight, in delivery
 * order, acknowledges a message only after every event's handler resolved, asks for its
 * redelivery (with a growing delay) when one rejected (the events completed here are then
 * skipped: RecentIds), and after `maxFailures` real failures of an event (FailureBook:
 * not deliveries, which a dying process also uses up) puts that event in the dead-letter
 * sink (a message whose every event went there is terminated). A delivery beyond
 * `maxDeliver` (the backstop: a message that kills its consumer every time) is
 * dead-lettered the same way. Survives reconnects; recreates its consumer if deleted.
 */
export class DurableConsumer {
  /** Messages the server still has for this consumer (from the last delivery's metadata). */
  pending = 0;
  /** The server's acknowledgement floor for this consumer (AckFloor): no message up to it comes again. */
  private readonly floor: AckFloor;
  /** Messages this process holds (kept from redelivery while held), with their events' progress. */
  private readonly held = new Map<JsMsg, DeliveredMessage>();
  /** Events completed here within the stream's duplicate window, skipped when they come again. */
  private readonly completed: RecentIds;
  private heartbeat: NodeJS.Timeout | undefined;
  private active = 0;
  private stopped = false;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  /** Events delivered and not yet started; of at most max_ack_pending messages, which the server enforces. */
  private readonly waiting: Unit[] = [];
  private waitingHead = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly replies: MessageReplies;

  constructor(
    readonly spec: ConsumerSpec,
    private readonly settings: ConsumerSettings,
    private readonly handler: (message: unknown, delivery: BusDelivery) => Promise<void>,
    private readonly deps: ConsumerDeps,
  ) {
    this.completed = new RecentIds(COMPLETED_IDS_LIMIT, settings.duplicateWindowMs, Date.now);
    this.floor = new AckFloor(spec.stream, spec.durable);
    this.replies = new MessageReplies(deps.logger, deps.counters, (msg) => this.held.delete(msg));
  }

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
    for (const [msg, message] of this.held) {
      const started = message.started;
      if (started !== undefined && started < limit) {
        if (started !== HUNG) {
          message.started = HUNG;
          for (const index of message.running) {
            void this.deps.failures.failDurably(FailureBook.key(this.spec.stream, this.spec.durable, msg.seq, index), `its handler did not answer within ${boundMs / 1000} s`);
          }
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
    this.floor.stop();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.messages?.stop();
    this.returnWaiting();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.replies.flushAcks();
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
        await this.deps.failures.load(this.spec.stream, this.spec.durable);
        await this.floor.refresh(jsm);
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

  private receive(msg: JsMsg): void {
    if (this.stopped) {
      // Fetched but not started: hand it back at once rather than after ack_wait.
      this.replies.reply(msg, 'nak', () => msg.nak());
      return;
    }
    this.pending = msg.info.pending;
    this.floor.noteDelivery();
    const decoded = decodeMessage(msg, this.spec.topic, this.deps.codec);
    if (!decoded.ok) {
      deadLetter(this.deps, this.spec, msg, { stage: decoded.stage, reason: decoded.reason, payload: decoded.payload });
      this.replies.reply(msg, 'term', () => msg.term());
      return;
    }
    const message: DeliveredMessage = { msg, events: decoded.events, left: decoded.events.length, running: new Set(), started: undefined, givenUp: 0, retryAfterMs: undefined };
    this.held.set(msg, message);
    for (let index = 0; index < message.events.length; index += 1) this.waiting.push({ message, index });
    this.startHandlers();
  }

  /** Starts waiting events in delivery order (an envelope's in its order), at most `concurrency` running. */
  private startHandlers(): void {
    while (this.active < this.settings.concurrency && this.waitingHead < this.waiting.length) {
      const unit = this.waiting[this.waitingHead] as Unit;
      this.waiting[this.waitingHead] = undefined as unknown as Unit;
      this.waitingHead += 1;
      if (this.waitingHead === this.waiting.length) {
        this.waiting.length = 0;
        this.waitingHead = 0;
      }
      this.active += 1;
      const message = unit.message;
      message.started ??= Date.now();
      message.running.add(unit.index);
      void this.handle(message, unit.index).finally(() => {
        message.running.delete(unit.index);
        this.active -= 1;
        this.finishOne(message);
        if (!this.stopped) this.startHandlers();
        if (this.active === 0 && this.idleWaiters.length > 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
      });
    }
  }

  /**
   * Hands back what waits here and was not started. A message with events already running
   * goes back once they finish (its finished events are skipped when it comes again).
   */
  private returnWaiting(): void {
    const waiting = this.waiting.splice(this.waitingHead);
    this.waiting.length = 0;
    this.waitingHead = 0;
    for (const unit of waiting) {
      unit.message.retryAfterMs ??= 0;
      this.finishOne(unit.message);
    }
  }

  private whenIdle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** One event's handler run; whatever happens is recorded on its message (never throws). */
  private async handle(message: DeliveredMessage, index: number): Promise<void> {
    const event = message.events[index] as DeliveredEvent;
    if (event.id && this.completed.has(event.id)) {
      // Completed here before: a message sent back for another member, or a re-publication.
      this.deps.counters.duplicatesSkipped += 1;
      return;
    }
    let value = event.body;
    if (!event.checked) {
      const checked = this.deps.codec.check(this.spec.topic, event.body);
      if (!checked.ok) return this.giveUp(message, index, FailureBook.key(this.spec.stream, this.spec.durable, message.msg.seq, index), checked.reason, checked.payload, checked.stage);
      value = checked.value;
    }
    if (this.spec.accepts && !this.spec.accepts(value)) {
      this.deps.counters.skipped += 1;
      return;
    }
    const key = FailureBook.key(this.spec.stream, this.spec.durable, message.msg.seq, index);
    const recalled = this.deps.failures.recall(key, message.msg.info.deliveryCount);
    if (recalled) await recalled;
    const refusal = this.deps.failures.refusal(key, message.msg.info.deliveryCount, this.settings, `${this.spec.topic} handler of ${this.spec.durable}`);
    if (refusal !== undefined) {
      this.giveUp(message, index, key, refusal, value);
      return;
    }
    try {
      await this.handler(value, deliveryOf(message, index, this.floor.settled));
    } catch (error) {
      const invalid = invalidAfterFailure(event, this.spec.topic, this.deps.codec, error as Error);
      if (invalid) return this.giveUp(message, index, key, invalid.reason, invalid.payload, invalid.stage);
      const failures = await this.deps.failures.failDurably(key, (error as Error).message);
      if (failures >= this.settings.maxFailures) {
        this.giveUp(message, index, key, `${this.spec.topic} handler of ${this.spec.durable} failed ${failures} times: ${(error as Error).message}`, value);
      } else {
        const delay = Math.min(this.settings.ackWaitMs, this.settings.retryDelayMs * 2 ** (failures - 1));
        message.retryAfterMs = Math.max(message.retryAfterMs ?? 0, delay);
      }
      return;
    }
    this.deps.failures.forget(key);
    if (event.id) this.completed.remember(event.id);
  }

  /**
   * One event of `message` is done. Once all are: terminated when every event was
   * dead-lettered, sent back (whole, with a delay) when one failed, acknowledged otherwise.
   */
  private finishOne(message: DeliveredMessage): void {
    message.left -= 1;
    if (message.left > 0) return;
    const msg = message.msg;
    if (message.retryAfterMs !== undefined) {
      if (message.retryAfterMs > 0) this.deps.counters.redelivered += 1;
      const delay = message.retryAfterMs;
      this.replies.reply(msg, 'nak', () => (delay > 0 ? msg.nak(delay) : msg.nak()));
    } else if (message.givenUp === message.events.length) {
      this.replies.reply(msg, 'term', () => msg.term());
    } else {
      this.replies.ackSoon(msg);
    }
  }

  private giveUp(message: DeliveredMessage, index: number, key: string, reason: string, payload: unknown, stage: DeadLetter['stage'] = 'process'): void {
    this.deps.failures.forget(key);
    message.givenUp += 1;
    const event = message.events[index] as DeliveredEvent;
    // Dead-lettered is done: a redelivery of its message (another member failed) skips it.
    if (event.id) this.completed.remember(event.id);
    deadLetter(this.deps, this.spec, message.msg, { stage, reason, payload, ...(message.events.length > 1 ? { index } : {}) });
  }
}

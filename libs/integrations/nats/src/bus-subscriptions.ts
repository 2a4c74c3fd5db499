import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { BusDelivery, BusTopic, DeadLetterSink, Logger } from '@tapio/domain';
import type { MessageCodec } from './codec.js';
import { FAILURE_BOOK_LIMIT, FailureBook } from './failure-book.js';
import { NatsFailureStore } from './failure-store.js';
import type { NatsBusOptions } from './options.js';
import { DurableConsumer, type ConsumerCounters, type ConsumerSettings, type ConsumerSpec } from './durable-consumer.js';

export interface SubscriptionEntry {
  topic: BusTopic;
  label: string;
  handler: (message: unknown, delivery: BusDelivery) => Promise<void>;
  settings: ConsumerSettings;
  specs: ConsumerSpec[];
  consumers: DurableConsumer[];
  /** Consumers created (or being created) on the current connection. */
  activated: boolean;
}

export interface BusSubscriptionsDeps {
  /** Where the failure stream goes (`<streamPrefix>_FAILURES`, its storage as the raw stream's). */
  options: Pick<NatsBusOptions, 'streamPrefix' | 'subjectPrefix' | 'streams'>;
  codec: MessageCodec;
  deadLetters: DeadLetterSink | undefined;
  logger: Logger;
}

/**
 * The bus's subscriptions and their durable consumers: creates them on each connection,
 * counts what they deliver, remembers which cannot run, measures their backlog.
 */
export class BusSubscriptions {
  readonly counters: ConsumerCounters = { delivered: 0, redelivered: 0, deadLettered: 0, skipped: 0, duplicatesSkipped: 0 };
  /** Why a consumer (by durable name or subscription label) cannot run right now. */
  readonly errors = new Map<string, string>();
  /** Handler failures per message, for every consumer of this bus (they outlive a reconnect's consumers). */
  readonly failures: FailureBook;
  private readonly all = new Set<SubscriptionEntry>();
  /** The connection whose failure store the book writes to. */
  private storeOf: JetStreamManager | undefined;

  constructor(private readonly deps: BusSubscriptionsDeps) {
    this.failures = new FailureBook(FAILURE_BOOK_LIMIT, (operation, key, error) =>
      deps.logger.warn({ operation, message: key, err: error }, 'NATS failure count not kept on the server (this process still counts it)'),
    );
  }

  add(subscription: SubscriptionEntry): void {
    this.all.add(subscription);
  }

  delete(subscription: SubscriptionEntry): void {
    this.all.delete(subscription);
  }

  /** Creates the subscription's consumers (a refused one is the caller's error), then starts them. */
  async activate(subscription: SubscriptionEntry, js: JetStreamClient, jsm: JetStreamManager): Promise<void> {
    if (subscription.activated) return;
    subscription.activated = true;
    if (this.storeOf !== jsm) {
      const store = new NatsFailureStore(this.deps.options, js, jsm);
      try {
        await store.ensure();
      } catch (error) {
        subscription.activated = false;
        throw new Error(`cannot create the NATS failure-count stream ${this.deps.options.streamPrefix}_FAILURES: ${(error as Error).message}`);
      }
      this.failures.attach(store);
      this.storeOf = jsm;
    }
    const consumers = subscription.specs.map(
      (spec) =>
        new DurableConsumer(spec, subscription.settings, subscription.handler, {
          codec: this.deps.codec,
          counters: this.counters,
          deadLetters: this.deps.deadLetters,
          failures: this.failures,
          logger: this.deps.logger,
          onError: (error) => {
            if (error) this.errors.set(spec.durable, error);
            else this.errors.delete(spec.durable);
          },
        }),
    );
    // Create them first so a refused consumer is the caller's error, not a log line.
    try {
      for (const consumer of consumers) await consumer.ensure(jsm);
    } catch (error) {
      subscription.activated = false;
      throw error;
    }
    subscription.consumers = consumers;
    for (const consumer of consumers) consumer.start(js, jsm);
  }

  /** On a new connection: every subscription's consumers; one that cannot start is reported, not thrown. */
  async activateAll(js: JetStreamClient, jsm: JetStreamManager): Promise<void> {
    for (const subscription of this.all) {
      try {
        await this.activate(subscription, js, jsm);
      } catch (error) {
        this.errors.set(subscription.label, (error as Error).message);
        this.deps.logger.error({ subscription: subscription.label, err: error }, 'cannot start NATS consumer');
      }
    }
  }

  /** The connection is gone for good: its consumers with it; the next connection makes new ones. */
  forgetConsumers(): void {
    for (const subscription of this.all) {
      for (const consumer of subscription.consumers) void consumer.stop(0);
      subscription.consumers = [];
      subscription.activated = false;
    }
  }

  /** Messages the server still holds for every consumer (an unreachable consumer counts as 1: not drained). */
  async backlog(jsm: JetStreamManager): Promise<number> {
    let backlog = 0;
    for (const subscription of this.all) {
      for (const consumer of subscription.consumers) {
        try {
          backlog += await consumer.backlog(jsm);
        } catch {
          backlog += 1;
        }
      }
    }
    return backlog;
  }

  /** Waiting plus in-flight messages per subscription label. */
  queueDepth(): Record<string, number> {
    const depth: Record<string, number> = {};
    for (const subscription of this.all) {
      depth[subscription.label] = subscription.consumers.reduce((sum, consumer) => sum + consumer.pending + consumer.inFlight, 0);
    }
    return depth;
  }

  /** Stops every consumer, letting handlers finish within `graceMs`, and forgets the subscriptions. */
  async stopAll(graceMs: number): Promise<void> {
    await Promise.all([...this.all].flatMap((subscription) => subscription.consumers.map((consumer) => consumer.stop(graceMs))));
    this.all.clear();
  }
}

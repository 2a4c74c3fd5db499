import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  parseDuration,
  partitionOf,
  silentLogger,
  type BusMessages,
  type BusSubscription,
  type BusTopic,
  type ComponentHealth,
  type DeadLetterSink,
  type EventBus,
  type Lifecycle,
  type Logger,
  type Metrics,
  type SubscribeOptions,
} from '@tapio/domain';
import { BusMetricsExporter } from './bus-metrics.js';
import type { NatsBusStats } from './bus-stats.js';
import { MessageCodec } from './codec.js';
import { connectionOptions, describeServers } from './connection-options.js';
import { DurableConsumer, type ConsumerCounters, type ConsumerSettings, type ConsumerSpec } from './durable-consumer.js';
import { NatsBusOptions, type NatsBusOptionsInput } from './options.js';
import { JetStreamPublisher } from './publisher.js';
import { ensureStreams, streamName } from './streams.js';
import { BROADCAST_TOKEN, messagePartitionKey, partFilter, subjectFor, topicFilter } from './subjects.js';

export interface NatsEventBusDeps {
  /** Where messages go after `consume.maxDeliver` failed deliveries (or that fail to decode). */
  deadLetters?: DeadLetterSink;
  logger?: Logger;
  /** Counters and gauges (`tapio_bus_*`), refreshed every `metricsInterval` ms (default 1000). */
  metrics?: Metrics;
  metricsInterval?: number;
}


type Phase = 'idle' | 'connecting' | 'down' | 'ready' | 'reconnecting' | 'closed';

interface Subscription {
  topic: BusTopic;
  label: string;
  handler: (message: unknown) => Promise<void>;
  settings: ConsumerSettings;
  specs: ConsumerSpec[];
  consumers: DurableConsumer[];
  /** Consumers created (or being created) on the current connection. */
  activated: boolean;
}

/** Sleeps `ms`, or less if the bus closes meanwhile. */
const delay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake);
  });

function durableToken(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * The event bus on NATS JetStream (seed 001): one stream per topic, publishes
 * de-duplicated by id, durable pull consumers acknowledged after the handler, partitions
 * routed by the server through the last subject token. Starts connecting on `start()`
 * (or the first publish/subscribe) and keeps retrying with backoff while NATS is
 * unreachable, saying why in `health()`.
 */
export class NatsEventBus implements EventBus, Lifecycle {
  readonly durable = true;
  readonly options: NatsBusOptions;
  private readonly logger: Logger;
  private readonly codec: MessageCodec;
  private readonly publisher: JetStreamPublisher;
  private readonly consumerCounters: ConsumerCounters = { delivered: 0, redelivered: 0, deadLettered: 0, skipped: 0 };
  private readonly subscriptions = new Set<Subscription>();
  private readonly consumerErrors = new Map<string, string>();
  private readonly abort = new AbortController();
  private phase: Phase = 'idle';
  private reason: string | undefined;
  private attempts = 0;
  private reconnects = 0;
  private server: string | undefined;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private starting: Promise<void> | undefined;
  private readyWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private readonly metricsExporter: BusMetricsExporter | undefined;
  private readonly metricsTimer: NodeJS.Timeout | undefined;

  constructor(
    options: NatsBusOptionsInput | NatsBusOptions = {},
    private readonly deps: NatsEventBusDeps = {},
  ) {
    this.options = NatsBusOptions.parse(options);
    this.logger = (deps.logger ?? silentLogger).child({ component: 'nats-bus' });
    this.codec = new MessageCodec(this.options.consume.validate);
    this.publisher = new JetStreamPublisher({
      maxInFlight: this.options.publish.maxInFlight,
      maxBuffered: this.options.publish.maxBuffered,
      ackTimeoutMs: parseDuration(this.options.publish.ackTimeout),
    });
    if (deps.metrics) {
      const exporter = new BusMetricsExporter(deps.metrics);
      this.metricsExporter = exporter;
      this.metricsTimer = setInterval(() => exporter.update(this.stats()), deps.metricsInterval ?? 1_000);
      this.metricsTimer.unref();
    }
  }

  /** Resolves once connected with the streams in place; retries (reporting in health()) until then. */
  start(): Promise<void> {
    if (this.phase === 'closed') return Promise.reject(new Error('NATS event bus is closed'));
    this.starting ??= this.connectLoop();
    if (this.phase === 'ready' || this.phase === 'reconnecting') return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  async stop(): Promise<void> {
    await this.close();
  }

  publish<T extends BusTopic>(topic: T, message: BusMessages[T], id: string): Promise<void> {
    if (this.phase === 'idle') void this.start().catch(() => undefined);
    let subject: string;
    let payload: Uint8Array;
    try {
      subject = subjectFor(topic, message, this.options.partitions, this.options.subjectPrefix);
      payload = this.codec.encode(message);
    } catch (error) {
      return Promise.reject(new Error(`cannot publish ${topic} message ${id}: ${(error as Error).message}`));
    }
    return this.publisher.publish(subject, payload, id);
  }

  async subscribe<T extends BusTopic>(
    topic: T,
    group: string,
    handler: (message: BusMessages[T]) => Promise<void>,
    options: SubscribeOptions = {},
  ): Promise<BusSubscription> {
    if (this.phase === 'closed') throw new Error(`NATS event bus is closed; cannot subscribe ${group} to ${topic}`);
    const partition = options.partition;
    if (partition && (!Number.isInteger(partition.count) || partition.count < 1 || !Number.isInteger(partition.index) || partition.index < 0 || partition.index >= partition.count)) {
      throw new Error(`invalid partition ${partition.index} of ${partition.count} for ${group} on ${topic}`);
    }
    const consume = this.options.consume;
    const subscription: Subscription = {
      topic,
      label: `${topic}/${group}${partition ? `#${partition.index}` : ''}`,
      handler: handler as (message: unknown) => Promise<void>,
      settings: {
        maxDeliver: consume.maxDeliver,
        ackWaitMs: parseDuration(consume.ackWait),
        prefetch: consume.prefetch,
        retryDelayMs: parseDuration(consume.retryDelay),
        concurrency: Math.max(1, options.concurrency ?? 1),
      },
      specs: this.consumerSpecs(topic, group, partition),
      consumers: [],
      activated: false,
    };
    this.subscriptions.add(subscription);
    if (this.phase === 'idle') void this.start().catch(() => undefined);
    if (this.js && this.jsm) {
      try {
        await this.activate(subscription, this.js, this.jsm);
      } catch (error) {
        this.subscriptions.delete(subscription);
        throw error;
      }
    }
    return {
      unsubscribe: async () => {
        this.subscriptions.delete(subscription);
        await Promise.all(subscription.consumers.map((consumer) => consumer.stop(parseDuration(consume.shutdownGrace))));
      },
    };
  }

  async drain(): Promise<void> {
    await this.start();
    await this.publisher.whenIdle();
    for (;;) {
      const jsm = this.jsm;
      if (this.phase === 'closed' || !jsm) return;
      let backlog = 0;
      for (const subscription of this.subscriptions) {
        for (const consumer of subscription.consumers) {
          try {
            backlog += await consumer.backlog(jsm);
          } catch {
            backlog += 1; // not reachable right now: not drained either
          }
        }
      }
      if (backlog === 0) return;
      await delay(25, this.abort.signal);
    }
  }

  stats(): NatsBusStats {
    const queueDepth: Record<string, number> = {};
    for (const subscription of this.subscriptions) {
      queueDepth[subscription.label] = subscription.consumers.reduce((sum, consumer) => sum + consumer.pending + consumer.inFlight, 0);
    }
    const published = this.publisher.counters;
    const consumed = this.consumerCounters;
    return {
      published: published.published,
      delivered: consumed.delivered,
      queueDepth,
      dropped: published.dropped,
      duplicates: published.duplicates,
      buffered: this.publisher.buffered,
      inFlight: this.publisher.sending,
      retries: published.retries,
      rejected: published.rejected,
      redelivered: consumed.redelivered,
      deadLettered: consumed.deadLettered,
      skipped: consumed.skipped,
      reconnects: this.reconnects,
    };
  }

  health(): ComponentHealth {
    const stats = this.stats();
    const details: Record<string, string | number | boolean> = {
      servers: describeServers(this.options),
      published: stats.published,
      delivered: stats.delivered,
      buffered: stats.buffered,
      dropped: stats.dropped,
      duplicates: stats.duplicates,
      redelivered: stats.redelivered,
      deadLettered: stats.deadLettered,
      reconnects: stats.reconnects,
      connectAttempts: this.attempts,
    };
    if (this.server) details['server'] = this.server;
    if (this.publisher.lastError) details['lastPublishError'] = this.publisher.lastError;
    switch (this.phase) {
      case 'closed':
        return { status: 'stopped', details };
      case 'idle':
        return { status: 'starting', reason: 'not started', details };
      case 'connecting':
        return { status: 'starting', reason: `connecting to NATS at ${describeServers(this.options)}`, details };
      case 'down':
        return { status: 'down', reason: this.reason ?? `cannot reach NATS at ${describeServers(this.options)}`, details };
      case 'reconnecting':
        return { status: 'degraded', reason: `${this.reason ?? 'NATS connection lost'}; ${stats.buffered} publishes buffered, ${stats.dropped} dropped`, details };
      case 'ready':
        break;
    }
    const consumerError = [...this.consumerErrors.values()][0];
    if (consumerError) return { status: 'degraded', reason: consumerError, details };
    if (stats.buffered >= this.options.publish.maxBuffered * 0.8) {
      return { status: 'degraded', reason: `publish buffer ${stats.buffered}/${this.options.publish.maxBuffered} full: NATS is not keeping up`, details };
    }
    return { status: 'ok', details };
  }

  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    const wasConnected = this.phase === 'ready';
    this.phase = 'closed';
    this.abort.abort();
    const grace = parseDuration(this.options.consume.shutdownGrace);
    await Promise.all([...this.subscriptions].flatMap((subscription) => subscription.consumers.map((consumer) => consumer.stop(grace))));
    this.subscriptions.clear();
    if (wasConnected) {
      // Give what was accepted a chance to be stored before refusing the rest.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.publisher.whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, grace)))]);
      clearTimeout(timer);
    }
    this.publisher.close('NATS event bus closed');
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(new Error('NATS event bus closed before it could connect'));
    const nc = this.nc;
    this.nc = undefined;
    this.js = undefined;
    this.jsm = undefined;
    if (nc && !nc.isClosed()) {
      // Acknowledgements of the last handled messages are still in the client's buffer.
      if (wasConnected) await Promise.race([nc.flush().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      await nc.close();
    }
    clearInterval(this.metricsTimer);
    this.metricsExporter?.update(this.stats());
  }

  private consumerSpecs(topic: BusTopic, group: string, partition: SubscribeOptions['partition']): ConsumerSpec[] {
    const stream = streamName(this.options, topic);
    const base = durableToken(group);
    if (!partition) return [{ topic, stream, durable: base, filter: topicFilter(topic, this.options.subjectPrefix) }];
    const durable = `${base}-p${partition.index}of${partition.count}`;
    if (partition.count === this.options.partitions) {
      // The server routes: this worker's partition, plus the broadcast part every worker gets.
      return [
        { topic, stream, durable, filter: partFilter(topic, `p${partition.index}`, this.options.subjectPrefix) },
        { topic, stream, durable: `${durable}-${BROADCAST_TOKEN}`, filter: partFilter(topic, BROADCAST_TOKEN, this.options.subjectPrefix) },
      ];
    }
    if (this.options.streams[topic].retention === 'workqueue') {
      throw new Error(
        `${group} asks for partition ${partition.index} of ${partition.count} on ${topic}, but bus.nats.partitions is ${this.options.partitions} ` +
          `and stream ${stream} is a workqueue (overlapping consumers refused): set bus.nats.partitions to ${partition.count}`,
      );
    }
    this.logger.warn(
      { topic, group, partition, partitions: this.options.partitions },
      'partition count differs from bus.nats.partitions: every worker receives every message and filters it (set them equal for server-side routing)',
    );
    return [
      {
        topic,
        stream,
        durable,
        filter: topicFilter(topic, this.options.subjectPrefix),
        accepts: (message) => {
          const key = messagePartitionKey(topic, message as BusMessages[typeof topic]);
          return key === null || partitionOf(key, partition.count) === partition.index;
        },
      },
    ];
  }

  private async activate(subscription: Subscription, js: JetStreamClient, jsm: JetStreamManager): Promise<void> {
    if (subscription.activated) return;
    subscription.activated = true;
    const consumers = subscription.specs.map(
      (spec) =>
        new DurableConsumer(spec, subscription.settings, subscription.handler, {
          codec: this.codec,
          counters: this.consumerCounters,
          deadLetters: this.deps.deadLetters,
          logger: this.logger,
          onError: (error) => {
            if (error) this.consumerErrors.set(spec.durable, error);
            else this.consumerErrors.delete(spec.durable);
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

  private async connectLoop(): Promise<void> {
    const servers = describeServers(this.options);
    let wait = parseDuration(this.options.connect.initialDelay);
    const maxWait = parseDuration(this.options.connect.maxDelay);
    this.phase = 'connecting';
    while (!this.abort.signal.aborted) {
      this.attempts += 1;
      let nc: NatsConnection | undefined;
      try {
        nc = await connect(connectionOptions(this.options));
        const jsm = await jetstreamManager(nc);
        await ensureStreams(jsm, this.options);
        if (this.abort.signal.aborted) {
          await nc.close();
          return;
        }
        await this.onConnected(nc, jsm);
        return;
      } catch (error) {
        if (nc && !nc.isClosed()) await nc.close().catch(() => undefined);
        if (this.abort.signal.aborted) return;
        this.phase = 'down';
        this.reason = `cannot use NATS at ${servers}: ${(error as Error).message} (attempt ${this.attempts}, next in ${wait} ms)`;
        this.logger.warn({ servers, attempt: this.attempts, err: error }, 'NATS unavailable; retrying');
        await delay(wait, this.abort.signal);
        wait = Math.min(maxWait, wait * 2);
      }
    }
  }

  private async onConnected(nc: NatsConnection, jsm: JetStreamManager): Promise<void> {
    const js = jetstream(nc);
    this.nc = nc;
    this.jsm = jsm;
    this.js = js;
    this.server = nc.getServer();
    void this.watchStatus(nc, jsm);
    void nc.closed().then((error) => this.onClosed(nc, error ?? undefined));
    // Consumers first: once start() resolves, drain() must see every subscription's backlog.
    for (const subscription of this.subscriptions) {
      try {
        await this.activate(subscription, js, jsm);
      } catch (error) {
        this.consumerErrors.set(subscription.label, (error as Error).message);
        this.logger.error({ subscription: subscription.label, err: error }, 'cannot start NATS consumer');
      }
    }
    if (this.abort.signal.aborted) return;
    this.phase = 'ready';
    this.reason = undefined;
    this.publisher.attach(nc);
    this.logger.info({ server: this.server }, 'connected to NATS JetStream');
    for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
  }

  private async watchStatus(nc: NatsConnection, jsm: JetStreamManager): Promise<void> {
    for await (const status of nc.status()) {
      if (this.phase === 'closed' || this.nc !== nc) return;
      if (status.type === 'disconnect') {
        this.phase = 'reconnecting';
        this.reason = `lost the connection to NATS at ${status.server}; reconnecting`;
        this.publisher.detach();
        this.logger.warn({ server: status.server }, 'NATS connection lost; buffering publishes');
      } else if (status.type === 'reconnect') {
        this.reconnects += 1;
        this.server = status.server;
        // A server that lost its store (memory storage, new volume) gets its streams back.
        await ensureStreams(jsm, this.options).catch((error: Error) => this.logger.error({ err: error }, 'cannot re-create NATS streams after reconnect'));
        if (this.abort.signal.aborted || this.nc !== nc) return;
        this.phase = 'ready';
        this.reason = undefined;
        this.publisher.attach(nc);
        this.logger.info({ server: status.server, buffered: this.publisher.buffered }, 'NATS reconnected; resuming');
      }
    }
  }

  /** The client gave up on this connection (it normally reconnects forever): start over. */
  private onClosed(nc: NatsConnection, error: Error | undefined): void {
    if (this.phase === 'closed' || this.nc !== nc) return;
    this.logger.error({ err: error }, 'NATS connection closed; connecting again');
    this.publisher.detach();
    for (const subscription of this.subscriptions) {
      for (const consumer of subscription.consumers) void consumer.stop(0);
      subscription.consumers = [];
      subscription.activated = false;
    }
    this.nc = undefined;
    this.js = undefined;
    this.jsm = undefined;
    this.phase = 'down';
    this.reason = `NATS connection closed${error ? `: ${error.message}` : ''}; connecting again`;
    this.starting = this.connectLoop();
  }
}

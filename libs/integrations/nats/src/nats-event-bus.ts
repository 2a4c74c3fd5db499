import {
  abortableSleep,
  CircuitBreaker,
  type BusDelivery,
  type BusHeaders,
  parseDuration,
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
import { busHealth } from './bus-health.js';
import { BusMetricsExporter } from './bus-metrics.js';
import type { NatsBusStats } from './bus-stats.js';
import { BusSubscriptions, type SubscriptionEntry } from './bus-subscriptions.js';
import { MessageCodec } from './codec.js';
import { describeServers } from './connection-options.js';
import { isOutage } from './publish-outcomes.js';
import { consumerSpecs } from './consumer-specs.js';
import { EnvelopeBatcher } from './envelope-batcher.js';
import { NatsConnector } from './nats-connector.js';
import { NatsBusOptions, type NatsBusOptionsInput } from './options.js';
import { JetStreamPublisher } from './publisher.js';
import { schemaMark } from './schema-mark.js';
import { envelopeSubjectFor, partOfSubject, subjectFor } from './subjects.js';

export interface NatsEventBusDeps {
  /** Where messages go after `consume.maxFailures` handler failures, `consume.maxDeliver` deliveries, or that fail to decode. */
  deadLetters?: DeadLetterSink;
  logger?: Logger;
  /** Counters and gauges (`tapio_bus_*`), refreshed every `metricsInterval` ms (default 1000). */
  metrics?: Metrics;
  metricsInterval?: number;
}

/**
 * The event bus on NATS JetStream (seed 001): one stream per topic, publishes
 * de-duplicated by id, durable pull consumers acknowledged after the handler, partitions
 * routed by the server through the last subject token. Starts connecting on `start()`
 * (or the first publish/subscribe) and keeps retrying with backoff while NATS is
 * unreachable, saying why in `health()`. The connector keeps the connection, the
 * publisher sends, the subscriptions consume; this class ties them together.
 */
export class NatsEventBus implements EventBus, Lifecycle {
  readonly durable = true;
  readonly options: NatsBusOptions;
  private readonly logger: Logger;
  private readonly codec: MessageCodec;
  private readonly publisher: JetStreamPublisher;
  private readonly circuit: CircuitBreaker;
  private readonly batcher: EnvelopeBatcher;
  private readonly subscriptions: BusSubscriptions;
  private readonly connector: NatsConnector;
  private readonly metricsExporter: BusMetricsExporter | undefined;
  private readonly metricsTimer: NodeJS.Timeout | undefined;

  constructor(
    options: NatsBusOptionsInput | NatsBusOptions = {},
    deps: NatsEventBusDeps = {},
  ) {
    this.options = NatsBusOptions.parse(options);
    this.logger = (deps.logger ?? silentLogger).child({ component: 'nats-bus' });
    this.codec = new MessageCodec(this.options.consume.validate, this.options.consume.trustMarked);
    this.circuit = new CircuitBreaker('nats-publish', this.options.publish.circuit, { target: `NATS at ${describeServers(this.options)}`, metrics: deps.metrics, counts: isOutage });
    this.circuit.onStateChange((state) => {
      if (state === 'open') this.logger.warn({ buffered: this.publisher.buffered, retryInMs: this.options.publish.circuit.halfOpenAfterMs, reason: this.publisher.lastError }, 'NATS publish circuit open: publishes are held');
      if (state === 'closed') this.logger.info({ buffered: this.publisher.buffered }, 'NATS publish circuit closed: sending again');
    });
    this.publisher = new JetStreamPublisher({
      maxInFlight: this.options.publish.maxInFlight,
      maxBuffered: this.options.publish.maxBuffered,
      ackTimeoutMs: parseDuration(this.options.publish.ackTimeout),
      circuit: this.circuit,
    });
    this.batcher = new EnvelopeBatcher(this.options.publish.batch, (subject, payload, id, headers) => this.publisher.publish(subject, payload, id, headers).then(() => undefined), (text) => this.codec.bytes(text));
    this.subscriptions = new BusSubscriptions({ options: this.options, codec: this.codec, deadLetters: deps.deadLetters, logger: this.logger });
    this.connector = new NatsConnector(this.options, this.logger, {
      onConnected: (js, jsm) => this.subscriptions.activateAll(js, jsm),
      onUp: (nc) => this.publisher.attach(nc),
      onDown: () => this.publisher.detach(),
      onLost: () => this.subscriptions.forgetConsumers(),
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
    return this.connector.start();
  }

  async stop(): Promise<void> {
    await this.close();
  }

  publish<T extends BusTopic>(topic: T, message: BusMessages[T], id: string, headers?: BusHeaders): Promise<void> {
    if (this.connector.phase === 'idle') void this.start().catch(() => undefined);
    let subject: string;
    let json: string;
    try {
      subject = subjectFor(topic, message, this.options.partitions, this.options.subjectPrefix);
      json = this.codec.encodeText(message);
    } catch (error) {
      return Promise.reject(new Error(`cannot publish ${topic} message ${id}: ${(error as Error).message}`));
    }
    return this.batcher.publish(envelopeSubjectFor(topic, partOfSubject(subject), this.options.subjectPrefix), subject, id, headers, json, schemaMark(topic));
  }

  async subscribe<T extends BusTopic>(
    topic: T,
    group: string,
    handler: (message: BusMessages[T], delivery: BusDelivery) => Promise<void>,
    options: SubscribeOptions = {},
  ): Promise<BusSubscription> {
    if (this.connector.phase === 'closed') throw new Error(`NATS event bus is closed; cannot subscribe ${group} to ${topic}`);
    const partition = options.partition;
    if (partition && (!Number.isInteger(partition.count) || partition.count < 1 || !Number.isInteger(partition.index) || partition.index < 0 || partition.index >= partition.count)) {
      throw new Error(`invalid partition ${partition.index} of ${partition.count} for ${group} on ${topic}`);
    }
    const consume = this.options.consume;
    const subscription: SubscriptionEntry = {
      topic,
      label: `${topic}/${group}${partition ? `#${partition.index}` : ''}`,
      handler: handler as (message: unknown, delivery: BusDelivery) => Promise<void>,
      settings: {
        maxFailures: consume.maxFailures,
        maxDeliver: consume.maxDeliver,
        ackWaitMs: parseDuration(consume.ackWait),
        prefetch: consume.prefetch,
        retryDelayMs: parseDuration(consume.retryDelay),
        concurrency: Math.max(1, options.concurrency ?? 1),
        duplicateWindowMs: parseDuration(this.options.streams[topic].duplicateWindow),
      },
      specs: consumerSpecs(this.options, this.logger, topic, group, partition),
      consumers: [],
      activated: false,
    };
    this.subscriptions.add(subscription);
    if (this.connector.phase === 'idle') void this.start().catch(() => undefined);
    const clients = this.connector.clients;
    if (clients) {
      try {
        await this.subscriptions.activate(subscription, clients.js, clients.jsm);
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
    await this.batcher.whenIdle();
    await this.publisher.whenIdle();
    for (;;) {
      const jsm = this.connector.manager;
      if (this.connector.phase === 'closed' || !jsm) return;
      if ((await this.subscriptions.backlog(jsm)) === 0) return;
      await abortableSleep(25, this.connector.signal);
    }
  }

  stats(): NatsBusStats {
    const published = this.publisher.counters;
    const consumed = this.subscriptions.counters;
    return {
      published: published.published,
      delivered: consumed.delivered,
      queueDepth: this.subscriptions.queueDepth(),
      dropped: published.dropped,
      duplicates: published.duplicates,
      buffered: this.publisher.buffered,
      inFlight: this.publisher.sending,
      retries: published.retries,
      rejected: published.rejected,
      redelivered: consumed.redelivered,
      deadLettered: consumed.deadLettered,
      skipped: consumed.skipped,
      duplicatesSkipped: consumed.duplicatesSkipped,
      envelopes: this.batcher.counters.envelopes,
      enveloped: this.batcher.counters.enveloped,
      reconnects: this.connector.reconnects,
    };
  }

  health(): ComponentHealth {
    return busHealth({
      phase: this.connector.phase,
      reason: this.connector.reason,
      servers: describeServers(this.options),
      server: this.connector.server,
      connectAttempts: this.connector.attempts,
      stats: this.stats(),
      lastPublishError: this.publisher.lastError,
      circuit: this.circuit.report,
      consumerError: [...this.subscriptions.errors.values()][0],
      maxBuffered: this.options.publish.maxBuffered,
    });
  }

  async close(): Promise<void> {
    if (this.connector.phase === 'closed') return;
    const wasConnected = this.connector.beginClose();
    const grace = parseDuration(this.options.consume.shutdownGrace);
    await this.subscriptions.stopAll(grace);
    if (wasConnected) {
      // Give what was accepted a chance to be stored before refusing the rest.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.batcher.whenIdle().then(() => this.publisher.whenIdle()), new Promise<void>((resolve) => (timer = setTimeout(resolve, grace)))]);
      clearTimeout(timer);
    }
    this.batcher.flush();
    this.publisher.close('NATS event bus closed');
    await this.connector.finishClose(wasConnected);
    clearInterval(this.metricsTimer);
    this.metricsExporter?.update(this.stats());
  }
}

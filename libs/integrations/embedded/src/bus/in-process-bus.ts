import {
  partitionKey,
  RecentIds,
  partitionOf,
  rawPartitionKey,
  silentLogger,
  NO_BUS_HEADERS,
  type BusDelivery,
  type BusHeaders,
  type BusMessages,
  type BusStats,
  type BusSubscription,
  type BusTopic,
  type ComponentHealth,
  type DeadLetterSink,
  type EventBus,
  type Logger,
  type SubscribeOptions,
} from '@tapio/domain';
import { BoundedQueue } from './bounded-queue.js';

export interface InProcessBusOptions {
  /** Messages waiting per consumer before publishers wait. */
  queueCapacity?: number;
  /** Ids remembered per topic for de-duplication, at most. */
  dedupeWindow?: number;
  /** How long an id is remembered for de-duplication (the NATS streams' `duplicateWindow`); default 2 minutes. */
  duplicateWindowMs?: number;
  /** Clock of the de-duplication window (tests). */
  now?: () => number;
  /** Deliveries of one message before it is dead-lettered. */
  maxDeliver?: number;
  deadLetters?: DeadLetterSink;
  logger?: Logger;
}

/** Ids remembered per topic for de-duplication unless told otherwise (the transformer worker of `tapio analyze` keeps as many). */
export const DEFAULT_DEDUPE_WINDOW = 200_000;

/** As long as the NATS streams remember ids (`streams.<topic>.duplicateWindow`). */
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60_000;

/** A queued message with its delivery (id and headers, e.g. the publisher's trace context). */
interface Queued {
  message: unknown;
  delivery: BusDelivery;
}

interface Consumer {
  topic: BusTopic;
  group: string;
  partition: { index: number; count: number } | undefined;
  queue: BoundedQueue<Queued>;
  handler: (message: never, delivery: BusDelivery) => Promise<void>;
  running: number;
  closed: boolean;
  loops: Promise<void>[];
}

export function messagePartitionKey(topic: BusTopic, message: unknown): string | null {
  if (topic === 'unified') return partitionKey(message as BusMessages['unified']);
  if (topic === 'raw') return rawPartitionKey(message as BusMessages['raw']);
  const insight = message as BusMessages['insights'];
  return insight.rootCause.entity.namespace ? `${insight.cluster ?? 'default'}/${insight.rootCause.entity.namespace}` : null;
}

/**
 * The embedded event bus: bounded queues per consumer with backpressure, groups that
 * share work, partitioned consumers, id de-duplication and redelivery on handler
 * failure. Nothing survives the process: durability is the NATS adapter's job.
 */
export class InProcessBus implements EventBus {
  private readonly consumers = new Map<BusTopic, Consumer[]>();
  private readonly recent = new Map<BusTopic, RecentIds>();
  private readonly counters = { published: 0, delivered: 0, dropped: 0, duplicates: 0 };
  private readonly queueCapacity: number;
  private readonly dedupeWindow: number;
  private readonly duplicateWindowMs: number;
  private readonly maxDeliver: number;
  private readonly logger: Logger;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: InProcessBusOptions = {}) {
    this.queueCapacity = options.queueCapacity ?? 10_000;
    this.dedupeWindow = options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW;
    this.duplicateWindowMs = options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
    this.maxDeliver = options.maxDeliver ?? 3;
    this.logger = options.logger ?? silentLogger;
  }

  async publish<T extends BusTopic>(topic: T, message: BusMessages[T], id: string, headers: BusHeaders = NO_BUS_HEADERS): Promise<void> {
    if (this.closed) throw new Error(`event bus is closed; cannot publish ${topic} message ${id}`);
    const consumers = this.consumers.get(topic);
    if (consumers === undefined || consumers.length === 0) {
      // Nobody hears it (the insights of `tapio analyze`, which no output reads): nothing is
      // delivered and there is nothing to keep, so its id is not remembered either. A copy
      // published once someone listens is that listener's first.
      this.counters.published += 1;
      return;
    }
    let recent = this.recent.get(topic);
    if (!recent) this.recent.set(topic, (recent = new RecentIds(this.dedupeWindow, this.duplicateWindowMs, this.options.now)));
    if (!recent.add(id)) {
      this.counters.duplicates += 1;
      return;
    }
    this.counters.published += 1;
    const only = consumers.length === 1 ? (consumers[0] as Consumer) : undefined;
    if (only && !only.partition) {
      // The usual embedded set-up (one consumer per topic): no groups, no partition key, no hash of the id.
      const full = only.queue.push({ message, delivery: { id, headers } });
      if (full) await full;
      return;
    }
    const byGroup = new Map<string, Consumer[]>();
    for (const consumer of consumers) {
      const group = byGroup.get(consumer.group);
      if (group) group.push(consumer);
      else byGroup.set(consumer.group, [consumer]);
    }
    const key = messagePartitionKey(topic, message);
    const queued: Queued = { message, delivery: { id, headers } };
    for (const group of byGroup.values()) {
      for (const consumer of this.targets(group, key, id)) {
        const full = consumer.queue.push(queued);
        if (full) await full;
      }
    }
  }

  async subscribe<T extends BusTopic>(topic: T, group: string, handler: (message: BusMessages[T], delivery: BusDelivery) => Promise<void>, options: SubscribeOptions = {}): Promise<BusSubscription> {
    if (options.partition && (options.partition.count < 1 || options.partition.index < 0 || options.partition.index >= options.partition.count)) {
      throw new Error(`invalid partition ${options.partition.index} of ${options.partition.count}`);
    }
    const consumer: Consumer = {
      topic,
      group,
      partition: options.partition,
      queue: new BoundedQueue(this.queueCapacity),
      handler: handler as (message: never, delivery: BusDelivery) => Promise<void>,
      running: 0,
      closed: false,
      loops: [],
    };
    const list = this.consumers.get(topic) ?? [];
    list.push(consumer);
    this.consumers.set(topic, list);
    for (let index = 0; index < Math.max(1, options.concurrency ?? 1); index += 1) consumer.loops.push(this.run(consumer));
    return {
      unsubscribe: async () => {
        consumer.closed = true;
        consumer.queue.wake();
        await Promise.all(consumer.loops);
        this.consumers.set(topic, (this.consumers.get(topic) ?? []).filter((other) => other !== consumer));
      },
    };
  }

  async drain(): Promise<void> {
    while (!this.idle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): BusStats {
    const queueDepth: Record<string, number> = {};
    for (const [topic, consumers] of this.consumers) {
      for (const consumer of consumers) {
        const name = `${topic}/${consumer.group}${consumer.partition ? `#${consumer.partition.index}` : ''}`;
        queueDepth[name] = (queueDepth[name] ?? 0) + consumer.queue.length;
      }
    }
    return { published: this.counters.published, delivered: this.counters.delivered, queueDepth, dropped: this.counters.dropped };
  }

  health(): ComponentHealth {
    if (this.closed) return { status: 'stopped' };
    let depth = 0;
    for (const consumers of this.consumers.values()) for (const consumer of consumers) depth = Math.max(depth, consumer.queue.length / this.queueCapacity);
    return depth >= 1
      ? { status: 'degraded', reason: 'a consumer queue is full: publishers are being slowed down', details: { published: this.counters.published } }
      : { status: 'ok', details: { published: this.counters.published, delivered: this.counters.delivered, duplicates: this.counters.duplicates } };
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
    const all = [...this.consumers.values()].flat();
    for (const consumer of all) {
      consumer.closed = true;
      consumer.queue.wake();
    }
    await Promise.all(all.flatMap((consumer) => consumer.loops));
  }

  private targets(group: Consumer[], key: string | null, id: string): Consumer[] {
    const partitioned = group.filter((consumer) => consumer.partition);
    if (partitioned.length === 0) return [group[(stableIndex(id) % group.length)] as Consumer];
    if (key === null) return partitioned;
    return partitioned.filter((consumer) => consumer.partition && partitionOf(key, consumer.partition.count) === consumer.partition.index);
  }

  private idle(): boolean {
    for (const consumers of this.consumers.values()) for (const consumer of consumers) if (consumer.queue.length > 0 || consumer.running > 0) return false;
    return true;
  }

  private async run(consumer: Consumer): Promise<void> {
    for (;;) {
      // Take and count as running in one tick, so drain() never sees a message that
      // is neither queued nor in flight; wait (a promise round trip) only when empty.
      const queued = consumer.queue.tryTake();
      if (queued === undefined) {
        if (!(await consumer.queue.waitForItem(() => consumer.closed))) return;
        continue;
      }
      consumer.running += 1;
      await this.deliver(consumer, queued);
      consumer.running -= 1;
      this.counters.delivered += 1;
      if (this.idleWaiters.length && this.idle()) for (const waiter of this.idleWaiters.splice(0)) waiter();
    }
  }

  private async deliver(consumer: Consumer, { message, delivery }: Queued): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await consumer.handler(message as never, delivery);
        return;
      } catch (error) {
        if (attempt >= this.maxDeliver) {
          this.counters.dropped += 1;
          const reason = `${consumer.topic} handler of group "${consumer.group}" failed ${attempt} times: ${(error as Error).message}`;
          this.logger.error({ topic: consumer.topic, group: consumer.group, err: error }, 'message dead-lettered');
          this.options.deadLetters?.put({ stage: 'process', reason, at: new Date().toISOString(), payload: message, origin: `bus:${consumer.topic}/${consumer.group}` });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
      }
    }
  }
}

function stableIndex(id: string): number {
  let hash = 0;
  for (let index = 0; index < id.length; index += 1) hash = (hash * 31 + id.charCodeAt(index)) >>> 0;
  return hash;
}

import type { RawEvent } from '@tapio/plugin-api';
import type { UnifiedEvent } from '@tapio/plugin-api';
import type { Insight } from '@tapio/plugin-api';
import type { ComponentHealth } from '@tapio/plugin-api';
import { token } from '@tapio/plugin-api';

export interface BusMessages {
  raw: RawEvent;
  unified: UnifiedEvent;
  insights: Insight;
}
export type BusTopic = keyof BusMessages;

export interface SubscribeOptions {
  /**
   * Several consumers in one group share the work. With `partition`, this consumer
   * takes only the messages whose partition key hashes to `index` of `count`.
   */
  partition?: { index: number; count: number };
  /** Maximum messages in flight to this handler. */
  concurrency?: number;
}

/**
 * Headers travelling beside a message, not in it (a message's content decides its id):
 * the W3C trace context (`traceparent`, `tracestate`) of the span that published it, so
 * the stage that handles it, in this process or another, continues the same trace.
 */
export type BusHeaders = Readonly<Record<string, string>>;

/** What a handler learns about a delivery besides the message: its id and headers. */
export interface BusDelivery {
  id: string;
  headers: BusHeaders;
  /**
   * On a durable bus: the message's sequence in its topic's log, and the sequence up to
   * which every message of this subscription is acknowledged (a lower bound: it may lag).
   * `index`: the event's place in its message when several travel in one (a batch
   * envelope); events of one message share its sequence and are settled together.
   */
  position?: { sequence: number; settled: number; index?: number };
}

export const NO_BUS_HEADERS: BusHeaders = Object.freeze({});

export interface BusSubscription {
  unsubscribe(): Promise<void>;
}

export interface BusStats {
  published: number;
  delivered: number;
  /** Messages waiting per topic. */
  queueDepth: Record<string, number>;
  dropped: number;
}

/**
 * Moves events between stages. `publish` resolves once the bus has accepted the
 * message (for a durable bus: stored); it waits when the bus is full. A handler's
 * promise resolving acknowledges the message; rejecting makes it redeliver.
 * `id` is the de-duplication key: publishing the same id twice delivers once.
 */
export interface EventBus {
  /**
   * Messages are stored and shared by every process on the bus (NATS JetStream), so the
   * stages may run as separate processes and acknowledge after their writes are durable.
   * Absent or false: the bus connects the stages of one process.
   */
  readonly durable?: boolean;
  publish<T extends BusTopic>(topic: T, message: BusMessages[T], id: string, headers?: BusHeaders): Promise<void>;
  subscribe<T extends BusTopic>(
    topic: T,
    group: string,
    handler: (message: BusMessages[T], delivery: BusDelivery) => Promise<void>,
    options?: SubscribeOptions,
  ): Promise<BusSubscription>;
  /** Resolves when everything published so far has been handled by current subscribers. */
  drain(): Promise<void>;
  stats(): BusStats;
  health(): ComponentHealth;
  close(): Promise<void>;
}
export const EventBus = token<EventBus>('EventBus');

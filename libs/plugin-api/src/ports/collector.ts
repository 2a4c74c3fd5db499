import type { RawEvent } from '../events/raw-event.js';
import type { UnifiedEvent } from '../events/unified-event.js';
import type { ResourceNode } from '../graph/graph-model.js';
import type { ComponentHealth } from './health.js';
import { token } from './token.js';

/** Where a collector hands its events. Awaiting `emit` is how backpressure reaches a collector. */
export interface RawEventSink {
  emit(event: RawEvent): Promise<void>;
}

/**
 * A source of RawEvents. `start` returns once the collector runs; finite collectors
 * (a replay) also expose `completion`, which settles when their input is exhausted.
 */
export interface Collector {
  readonly id: string;
  /** The RawEvent.source this collector stamps on its events. */
  readonly source: string;
  start(sink: RawEventSink): Promise<void>;
  stop(): Promise<void>;
  health(): ComponentHealth;
  completion?(): Promise<void>;
}
export const Collector = token<Collector>('Collector');

/** What a transformer may consult besides the event itself. */
export interface TransformContext {
  /** Deterministic id for the n-th UnifiedEvent derived from this RawEvent. */
  eventId(raw: RawEvent, discriminator: string): string;
  /** Wall-clock processing time, ISO. */
  processedAt: string;
  cluster: string;
  /**
   * Where the RawEvent stands on a durable bus: its `sequence` in the topic's log, and
   * `settled`, the sequence up to which every RawEvent of the subscription is acknowledged
   * (none will be delivered again). Absent outside a durable bus. A stateful transformer
   * keeps what a RawEvent not settled yet needs if it comes again (after newer ones).
   * `index`: its place in a batch envelope, whose RawEvents share one sequence.
   */
  position?: { sequence: number; settled: number; index?: number };
}

/**
 * Turns one RawEvent of a source into zero or more UnifiedEvents. Throwing means the
 * input is malformed: the pipeline dead-letters it with the message and moves on.
 */
export interface RawEventTransformer {
  /** RawEvent.source values this transformer handles. */
  readonly sources: readonly string[];
  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[];
  /**
   * Stateful transformers (which report changes between versions): take resources stored
   * in the graph as the last versions seen, once at start, so a restart does not make
   * every object new and a change made meanwhile is still a change.
   */
  remember?(resources: readonly ResourceNode[]): void;
  /** State a restart must not lose (previous versions to diff against); absent: the transformer keeps none. */
  readonly durableState?: DurableTransformerState;
}

/**
 * A stateful transformer's state as entries of JSON, so the transformer stage can keep it in a
 * durable store: after each transform it writes `changes()` and acknowledges the RawEvent
 * only once they are durable; at start it hands back every entry kept with `restore`. The
 * transformer must derive the same events (same ids) from a RawEvent delivered again after
 * its state was written, so a crash between the two writes loses and doubles nothing.
 */
export interface DurableTransformerState {
  /** Names this transformer's entries in the store. */
  readonly scope: string;
  /** Entries kept by the store, once, before the first transform. */
  restore(entries: Iterable<readonly [string, unknown]>): void;
  /** Entries changed since the last call, with their values now (undefined: removed). */
  changes(): Array<readonly [string, unknown]>;
}
export const RawEventTransformer = token<RawEventTransformer>('RawEventTransformer');

import type { DeadLetter, InputLimits, UnifiedEvent } from '@tapio/domain';

/** What the transformer worker is started with (workerData): plain data, cloned into the worker. */
export interface TransformWorkerPlan {
  /** The replay collector's section of tapio.yaml (its plugin validates it again in the worker). */
  replay: Record<string, unknown>;
  /** Folder the replay's file resolves against. */
  baseDir: string;
  /** tapio.yaml `cluster`: the pipeline stamps it on events whose collector did not. */
  cluster: string;
  limits: InputLimits;
  /** What a plugin's `transformers()` is given (as registerPlugins gives it). */
  transformerSettings: { limits: InputLimits; uncordonGraceMs: number };
  /** The raw topic's de-duplication of the embedded bus, which this hand-off replaces: ids kept and for how long. */
  dedupe: { ids: number; windowMs: number };
  /** The least level of the worker's log records sent to the main thread's logger. */
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** UnifiedEvents per batch at most. */
  batchEvents: number;
  /** Batches posted and not yet published by the main thread, at most: the reader waits beyond. */
  maxBatchesInFlight: number;
}

export interface PipelineCounts {
  accepted: number;
  produced: number;
  rejected: Record<DeadLetter['stage'], number>;
}

/** Worker → main thread, in this order per input: dead letters and logs as they happen, events in batches, then `done`. */
export type FromWorker =
  | { kind: 'events'; events: UnifiedEvent[]; lines: number }
  | { kind: 'dead-letter'; letter: DeadLetter }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; bindings: Record<string, unknown>; fields: Record<string, unknown>; message?: string }
  | { kind: 'done'; stats: PipelineCounts; lines: number }
  | { kind: 'failed'; message: string; stack?: string };

/**
 * Main thread → worker: `plan`, first and once, to a worker started before it was known
 * (prestart.ts); `published`, one batch was published on the bus (a credit for the next).
 */
export type ToWorker = { kind: 'plan'; plan: TransformWorkerPlan } | { kind: 'published' };

import { parseDuration, type EventBus, type UnifiedEvent } from '@tapio/domain';
import { DEFAULT_DEDUPE_WINDOW, EmbeddedBusConfig } from '@tapio/embedded/plugin';
import type { LoadedConfig } from '../config/load-config.js';
import type { TransformWorkerPlan } from '../runtime/transform-worker/protocol.js';
import { fileSize, workerForSize } from '../cli-bundle/prestart.js';

/** UnifiedEvents per batch crossing to the main thread, and batches in flight at most. */
const BATCH_EVENTS = 256;
const BATCHES_IN_FLIGHT = 8;

/**
 * Whether `tapio analyze` runs its transformer stage on a worker thread, and with what.
 * `TAPIO_TRANSFORM_WORKER=off` never, `=on` whatever the size (tests, benchmarks); by
 * default for a file of at least WORKER_MIN_BYTES. Standard input, third-party plugins (whose
 * transformers the worker does not load) and a configured write-ahead log (which the
 * in-thread collectors write) keep the analysis on one thread.
 */
export function analyzeWorkerPlan(loaded: LoadedConfig, file: string, env: NodeJS.ProcessEnv = process.env): TransformWorkerPlan | undefined {
  if (file === '-') return undefined;
  const { config } = loaded;
  const bus = EmbeddedBusConfig.parse(config.bus['embedded'] ?? {});
  if (config.plugins.length > 0 || bus.wal) return undefined;
  // An unreadable file runs on one thread unless forced: the replay collector reports it as it always does.
  if (!workerForSize(env, fileSize(file))) return undefined;
  const replay = config.collectors['replay'];
  return {
    replay: { ...(replay as Record<string, unknown>) },
    baseDir: loaded.baseDir,
    cluster: config.cluster,
    limits: config.limits,
    transformerSettings: { limits: config.limits, uncordonGraceMs: parseDuration(config.lifecycle.uncordonGrace) },
    dedupe: { ids: DEFAULT_DEDUPE_WINDOW, windowMs: parseDuration(bus.duplicateWindow) },
    logLevel: config.log.level,
    batchEvents: BATCH_EVENTS,
    maxBatchesInFlight: BATCHES_IN_FLIGHT,
  };
}

/** The worker's batches onto the unified topic, one event after another (the bus keeps their order). */
export function publishUnified(bus: EventBus) {
  return async (events: readonly UnifiedEvent[]): Promise<void> => {
    for (const event of events) await bus.publish('unified', event, event.id);
  };
}

import type { Collector, Logger } from '@tapio/domain';
import { KubeApiCollector, type KubeApiCollectorDeps } from '../collector/kubeapi-collector.js';
import type { KubeApiCollectorConfigInput } from '../collector/kubeapi-config.js';
import { sleep } from '../informers/backoff.js';
import { NdjsonRecordingSink } from './ndjson-recording-sink.js';

/**
 * Longest wait for the starting state before a timed recording's clock starts anyway (at
 * least the duration itself): a kind the server never lists must not stall the recording.
 */
const SYNC_WAIT_MIN_CAP_MS = 15_000;

export interface RecordOptions {
  /** The collector configuration (cluster, kubeconfig / inCluster, namespaces, kinds). */
  config: KubeApiCollectorConfigInput;
  /** Stops the recording when aborted (e.g. on SIGINT). */
  signal?: AbortSignal;
  /** Stops the recording this long after the starting state is written. Without it and without `signal`, records until the initial state is written. */
  durationMs?: number;
  logger?: Logger;
  /**
   * Other collectors recorded into the same file (the node agent's: kubelet, journal, CRI,
   * etcd...), started after the API server's listing began; their RawEvents are changes,
   * written after the starting state like the API server's own.
   */
  alsoCollectors?: readonly Collector[];
  /** Overrides API access (tests). */
  api?: KubeApiCollectorDeps['api'];
}

export interface RecordingSummary {
  file: string;
  events: number;
  startedAt: string;
  endedAt: string;
}

/**
 * Records what the API server reports into `file` as kubeapi RawEvents (NDJSON): the
 * starting state first, then every change until `signal` aborts or `durationMs` passes.
 * `tapio record` calls this; `tapio analyze` / the replay collector read the result.
 */
export async function recordTo(file: string, options: RecordOptions): Promise<RecordingSummary> {
  const deps: KubeApiCollectorDeps = {};
  if (options.logger) deps.logger = options.logger;
  if (options.api) deps.api = options.api;
  const collector = new KubeApiCollector(options.config, deps);
  const startedAtMs = Date.now();
  const sink = new NdjsonRecordingSink(file, { startedAtMs });
  const startedAt = new Date(startedAtMs).toISOString();
  const stopper = new AbortController();
  const stopOnSignal = (): void => stopper.abort();
  options.signal?.addEventListener('abort', stopOnSignal, { once: true });
  try {
    await collector.start(sink);
    for (const other of options.alsoCollectors ?? []) await other.start(sink);
    // The starting state ends when every kind has been listed; changes seen meanwhile follow it.
    const startingState = collector.synced().then(() => sink.endStartingState());
    if (options.signal?.aborted) stopper.abort();
    if (options.durationMs !== undefined) {
      // The duration is of changes: its clock starts once the starting state is written, so a
      // slow first list (a loaded machine, a large cluster) cannot use it up and leave an empty
      // recording. A kind that never lists still lets the recording end (after the cap).
      const aborted = new Promise<void>((resolve) => (stopper.signal.aborted ? resolve() : stopper.signal.addEventListener('abort', () => resolve(), { once: true })));
      await Promise.race([startingState.catch(() => undefined), aborted, sleep(Math.max(options.durationMs, SYNC_WAIT_MIN_CAP_MS), stopper.signal)]);
      await sleep(options.durationMs, stopper.signal);
    } else if (options.signal !== undefined) {
      await new Promise<void>((resolve) => (stopper.signal.aborted ? resolve() : stopper.signal.addEventListener('abort', () => resolve(), { once: true })));
    } else {
      await Promise.race([startingState, new Promise<void>((resolve) => stopper.signal.addEventListener('abort', () => resolve(), { once: true }))]);
    }
    void startingState.catch(() => undefined);
  } finally {
    options.signal?.removeEventListener('abort', stopOnSignal);
    for (const other of options.alsoCollectors ?? []) await other.stop();
    await collector.stop();
    await sink.close();
  }
  return { file, events: sink.eventsWritten, startedAt, endedAt: new Date().toISOString() };
}

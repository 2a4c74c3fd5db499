import type { ComponentHealth, GaugeMetric, Logger, Metrics } from '@tapio/domain';
import { measureLiveHeap, MemoryGuard, watchMajorCollections, type MemoryRelief } from './memory-guard.js';
import { oldSpaceRatio } from './old-space.js';
import { DEFAULT_DEGRADED_HEAP_RATIO, DEFAULT_READ_ONLY_HEAP_RATIO } from './config.js';

/**
 * How Tapio runs when something is short (the seed's production modes):
 * - normal;
 * - degraded: memory is getting short or a dependency is impaired: keep matching, skip predictions;
 * - read-only: memory is nearly gone or the graph cannot be written: the correlation stage
 *   stops taking events (they wait on the bus, which slows the collectors: backpressure)
 *   while the API keeps answering from what is stored. By memory, no new event is accepted
 *   either (intakeOpen), and it sheds what can be rebuilt or done without until the live heap
 *   falls (memory-guard.ts), or says why it cannot;
 * - maintenance: set by the operator (`degradation.maintenance: true`): read-only on purpose.
 */
export type RunningMode = 'normal' | 'degraded' | 'read-only' | 'maintenance';
export const RUNNING_MODES: readonly RunningMode[] = ['normal', 'degraded', 'read-only', 'maintenance'];

/** Resolves once `holds` is true, asked every 250 ms (the mode is computed at most that often). */
async function until(holds: () => boolean): Promise<void> {
  while (!holds()) await new Promise((resolve) => setTimeout(resolve, 250));
}

export interface DegradationOptions {
  /** Live old space / its limit (old-space.ts) from which predictions are skipped (default 0.6). */
  degradedHeapRatio?: number;
  /** Live old space / its limit from which no event is taken, nor any new one accepted (default 0.7; V8 gives up at 0.8). */
  readOnlyHeapRatio?: number;
  maintenance?: boolean;
  /** The dependencies whose health decides: the graph (read-only when down) and the bus (degraded). */
  dependencies: () => { graph?: ComponentHealth; bus?: ComponentHealth };
  /** Old space in use / its limit, garbage included (default: V8's statistics, old-space.ts). */
  heapRatio?: () => number;
  /** Old space in use / its limit after a full collection (default: a full GC, then `heapRatio`). */
  liveHeapRatio?: () => number;
  /** What read-only by memory may shed (read when it is entered: the engine may start after the monitor). */
  reliefs?: () => readonly MemoryRelief[];
  /** What the kept state holds, for the reason read-only by memory cannot end by itself. */
  held?: () => string;
  /** How often read-only by memory measures the live heap again, ms (default 5 s). */
  recheckMs?: number;
  metrics?: Metrics;
  logger?: Logger;
}

/** Why the mode is what it is, as the metric `tapio_running_mode_cause` labels it; `memory-held`: read-only by memory that cannot end by itself. */
export const MODE_CAUSES = ['memory', 'memory-held', 'graph', 'bus', 'maintenance'] as const;
export type ModeCause = (typeof MODE_CAUSES)[number];

export class DegradationMonitor {
  private readonly options: DegradationOptions & { maintenance: boolean };
  private readonly memory: MemoryGuard;
  private readonly gauge: GaugeMetric | undefined;
  private readonly causeGauge: GaugeMetric | undefined;
  private cached: { at: number; mode: RunningMode; reasons: string[]; causes: ModeCause[] } | undefined;
  /** Stops observing V8's collections (stop()). */
  private stopWatching: (() => void) | undefined;

  constructor(options: DegradationOptions) {
    this.options = { maintenance: false, ...options };
    const heapRatio = options.heapRatio ?? oldSpaceRatio;
    this.memory = new MemoryGuard({
      degradedHeapRatio: options.degradedHeapRatio ?? DEFAULT_DEGRADED_HEAP_RATIO,
      readOnlyHeapRatio: options.readOnlyHeapRatio ?? DEFAULT_READ_ONLY_HEAP_RATIO,
      heapRatio,
      liveHeapRatio: options.liveHeapRatio ?? (() => measureLiveHeap(heapRatio)),
      reliefs: options.reliefs ?? (() => []),
      held: options.held ?? (() => 'no account given'),
      recheckMs: options.recheckMs ?? 5_000,
      clock: Date.now,
      logger: options.logger,
    });
    // The real heap: V8's own full collections tell the live heap for free (tests give their own ratios).
    if (!options.heapRatio) this.stopWatching = watchMajorCollections(() => this.memory.collected(Date.now(), oldSpaceRatio()));
    this.gauge = options.metrics?.gauge('tapio_running_mode', 'The running mode (1 for the current one): normal, degraded (predictions skipped), read-only (no event taken), maintenance', ['mode']);
    this.causeGauge = options.metrics?.gauge('tapio_running_mode_cause', 'Why Tapio is not in normal mode (1 for each current cause): memory, memory-held (read-only by memory that cannot end by itself: more memory needed), graph, bus, maintenance', ['cause']);
  }

  /** The mode now and why (computed at most every 250 ms: it runs once per event). */
  current(): { mode: RunningMode; reasons: string[]; causes: ModeCause[] } {
    const now = Date.now();
    if (this.cached && now - this.cached.at < 250) return { mode: this.cached.mode, reasons: this.cached.reasons, causes: this.cached.causes };
    const reasons: string[] = [];
    const causes: ModeCause[] = [];
    let mode: RunningMode = 'normal';
    const raise = (to: RunningMode, cause: ModeCause, reason: string) => {
      reasons.push(reason);
      causes.push(cause);
      if (RUNNING_MODES.indexOf(to) > RUNNING_MODES.indexOf(mode)) mode = to;
    };
    const memory = this.memory.check(now);
    if (memory.mode !== 'normal') raise(memory.mode, memory.held ? 'memory-held' : 'memory', memory.reason);
    const { graph, bus } = this.options.dependencies();
    if (graph && (graph.status === 'down' || graph.status === 'stopped')) raise('read-only', 'graph', `graph ${graph.status}: ${graph.reason ?? 'no reason given'}`);
    else if (graph?.status === 'degraded') raise('degraded', 'graph', `graph degraded: ${graph.reason ?? 'no reason given'}`);
    if (bus && bus.status !== 'ok') raise('degraded', 'bus', `bus ${bus.status}: ${bus.reason ?? 'no reason given'}`);
    if (this.options.maintenance) raise('maintenance', 'maintenance', 'maintenance set in the configuration (degradation.maintenance)');
    this.cached = { at: now, mode, reasons, causes };
    if (this.gauge) for (const each of RUNNING_MODES) this.gauge.set(each === mode ? 1 : 0, { mode: each });
    if (this.causeGauge) for (const each of MODE_CAUSES) this.causeGauge.set(causes.includes(each) ? 1 : 0, { cause: each });
    return { mode, reasons, causes };
  }

  get skipPredictions(): boolean {
    return this.current().mode !== 'normal';
  }

  get writable(): boolean {
    const { mode } = this.current();
    return mode === 'normal' || mode === 'degraded';
  }

  /**
   * False while read-only by memory: no new event is accepted from the collectors either.
   * The bus's queues are memory in this process (the embedded bus holds up to its capacity
   * per consumer), so events that waited there would fill what read-only is freeing. They
   * wait at their source instead (a watch's connection, a replayed file, the kernel's ring);
   * nothing already accepted is dropped. Read-only for other causes (the graph down,
   * maintenance) keeps accepting into the bus's bounded queues.
   */
  get intakeOpen(): boolean {
    const { mode, causes } = this.current();
    return mode !== 'read-only' || !(causes.includes('memory') || causes.includes('memory-held'));
  }

  /** Resolves once new events may be accepted again (checked every 250 ms). */
  whenIntakeOpen(): Promise<void> {
    return until(() => this.intakeOpen);
  }

  /** Resolves once events may be taken again (checked every 250 ms). */
  whenWritable(): Promise<void> {
    return until(() => this.writable);
  }

  stop(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  /** `endsByItself`: false while read-only by memory has nothing left to shed (it waits for more memory). */
  health(): ComponentHealth {
    const { mode, reasons, causes } = this.current();
    if (mode === 'normal') return { status: 'ok', details: { mode } };
    return { status: 'degraded', reason: `${mode}: ${reasons.join('; ')}`, details: { mode, causes: causes.join(','), endsByItself: !causes.includes('memory-held') } };
  }
}

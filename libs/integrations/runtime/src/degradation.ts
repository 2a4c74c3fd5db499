import { getHeapStatistics } from 'node:v8';
import type { ComponentHealth, GaugeMetric, Metrics } from '@tapio/domain';

/**
 * How Tapio runs when something is short (the seed's production modes):
 * - normal;
 * - degraded: memory is getting short or a dependency is impaired: keep matching, skip predictions;
 * - read-only: memory is nearly gone or the graph cannot be written: the correlation stage
 *   stops taking events (they wait on the bus, which slows the collectors: backpressure)
 *   while the API keeps answering from what is stored;
 * - maintenance: set by the operator (`degradation.maintenance: true`): read-only on purpose.
 */
export type RunningMode = 'normal' | 'degraded' | 'read-only' | 'maintenance';
export const RUNNING_MODES: readonly RunningMode[] = ['normal', 'degraded', 'read-only', 'maintenance'];

export interface DegradationOptions {
  /** Heap used / heap limit from which predictions are skipped (default 0.8). */
  degradedHeapRatio?: number;
  /** Heap used / heap limit from which no event is taken (default 0.92). */
  readOnlyHeapRatio?: number;
  maintenance?: boolean;
  /** The dependencies whose health decides: the graph (read-only when down) and the bus (degraded). */
  dependencies: () => { graph?: ComponentHealth; bus?: ComponentHealth };
  heapRatio?: () => number;
  metrics?: Metrics;
}

const heapRatio = (): number => {
  const heap = getHeapStatistics();
  return heap.used_heap_size / heap.heap_size_limit;
};

export class DegradationMonitor {
  private readonly options: Required<Omit<DegradationOptions, 'metrics'>>;
  private readonly gauge: GaugeMetric | undefined;
  private cached: { at: number; mode: RunningMode; reasons: string[] } | undefined;

  constructor(options: DegradationOptions) {
    this.options = { degradedHeapRatio: 0.8, readOnlyHeapRatio: 0.92, maintenance: false, heapRatio, ...options };
    this.gauge = options.metrics?.gauge('tapio_running_mode', 'The running mode (1 for the current one): normal, degraded (predictions skipped), read-only (no event taken), maintenance', ['mode']);
  }

  /** The mode now and why (computed at most every 250 ms: it runs once per event). */
  current(): { mode: RunningMode; reasons: string[] } {
    const now = Date.now();
    if (this.cached && now - this.cached.at < 250) return { mode: this.cached.mode, reasons: this.cached.reasons };
    const reasons: string[] = [];
    let mode: RunningMode = 'normal';
    const raise = (to: RunningMode, reason: string) => {
      reasons.push(reason);
      if (RUNNING_MODES.indexOf(to) > RUNNING_MODES.indexOf(mode)) mode = to;
    };
    const ratio = this.options.heapRatio();
    const percent = `${Math.round(ratio * 100)}% of the heap limit in use`;
    if (ratio >= this.options.readOnlyHeapRatio) raise('read-only', `memory: ${percent} (read-only from ${Math.round(this.options.readOnlyHeapRatio * 100)}%)`);
    else if (ratio >= this.options.degradedHeapRatio) raise('degraded', `memory: ${percent} (predictions skipped from ${Math.round(this.options.degradedHeapRatio * 100)}%)`);
    const { graph, bus } = this.options.dependencies();
    if (graph && (graph.status === 'down' || graph.status === 'stopped')) raise('read-only', `graph ${graph.status}: ${graph.reason ?? 'no reason given'}`);
    else if (graph?.status === 'degraded') raise('degraded', `graph degraded: ${graph.reason ?? 'no reason given'}`);
    if (bus && bus.status !== 'ok') raise('degraded', `bus ${bus.status}: ${bus.reason ?? 'no reason given'}`);
    if (this.options.maintenance) raise('maintenance', 'maintenance set in the configuration (degradation.maintenance)');
    this.cached = { at: now, mode, reasons };
    if (this.gauge) for (const each of RUNNING_MODES) this.gauge.set(each === mode ? 1 : 0, { mode: each });
    return { mode, reasons };
  }

  get skipPredictions(): boolean {
    return this.current().mode !== 'normal';
  }

  get writable(): boolean {
    const { mode } = this.current();
    return mode === 'normal' || mode === 'degraded';
  }

  /** Resolves once events may be taken again (checked every 250 ms). */
  async whenWritable(): Promise<void> {
    while (!this.writable) await new Promise((resolve) => setTimeout(resolve, 250));
  }

  health(): ComponentHealth {
    const { mode, reasons } = this.current();
    return mode === 'normal' ? { status: 'ok', details: { mode } } : { status: 'degraded', reason: `${mode}: ${reasons.join('; ')}`, details: { mode } };
  }
}

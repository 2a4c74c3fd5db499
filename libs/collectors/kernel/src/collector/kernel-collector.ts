import { hostname } from 'node:os';
import type { Collector, ComponentHealth, KubeIndex, Logger, Metrics, RawEvent, RawEventSink } from '@tapio/domain';
import { silentLogger, totalFollower } from '@tapio/domain';
import {
  BootClock,
  CgroupAttributor,
  EbpfUnavailableError,
  ProbeSession,
  checkPrerequisites,
  explainLoadFailure,
  isNativeProbeError,
  loadAddon,
  type ProbeCounters,
} from '@tapio/ebpf-native';
import { decodeKernelRecord } from '../decode/decode-kernel-record.js';
import { AGGREGATE_SLOTS, DROP_SLOTS } from '../decode/kernel-layouts.js';
import type { KernelRecord } from '../decode/kernel-record.js';
import { KernelCollectorConfig, type KernelCollectorConfigInput } from './kernel-config.js';
import { RawEventBuilder } from './raw-event-builder.js';
import { SignalMemory } from './signal-memory.js';
import { EventQueue } from './event-queue.js';
import { WorkloadCache } from './workload-cache.js';

/** Probes whose absence leaves the rest useful: what they would have reported. */
const OPTIONAL_PROGRAMS: Record<string, string> = {
  handle_oom_victim: 'OOM kills (oom/mark_victim)',
  handle_signal: 'signal senders (signal/signal_generate)',
  handle_retransmit: 'TCP retransmissions (tcp/tcp_retransmit_skb)',
  handle_exec: 'execs (sched/sched_process_exec)',
};

export interface KernelCollectorDeps {
  kubeIndex?: KubeIndex;
  logger?: Logger;
  metrics?: Metrics;
}

export interface KernelCollectorStats {
  records: number;
  emitted: number;
  malformed: number;
  /** Ring-buffer reserve failures counted in the kernel, all CPUs. */
  kernelDrops: number;
  /** Decoded events dropped because the sink fell behind by more than queueLimit. */
  queueDrops: number;
}

/**
 * The kernel eBPF collector: loads the kernel probe set, drains it off the JavaScript
 * thread, decodes each record, attributes it to a pod or the host and emits RawEvents
 * of source `kernel`. A machine where eBPF cannot run gets one error naming what is
 * missing, from start() and in health(); nothing else in Tapio depends on it.
 */
export class KernelCollector implements Collector {
  readonly id = 'kernel';
  readonly source = 'kernel';
  private readonly config: KernelCollectorConfig;
  private readonly logger: Logger;
  private session: ProbeSession | undefined;
  private queue: EventQueue | undefined;
  private countersTimer: NodeJS.Timeout | undefined;
  private state: ComponentHealth = { status: 'stopped' };
  private readonly signals = new SignalMemory();
  private readonly stats: KernelCollectorStats = { records: 0, emitted: 0, malformed: 0, kernelDrops: 0, queueDrops: 0 };
  private lastCounters: ProbeCounters | undefined;

  constructor(
    config: KernelCollectorConfigInput = {},
    private readonly deps: KernelCollectorDeps = {},
  ) {
    this.config = KernelCollectorConfig.parse(config);
    this.logger = (deps.logger ?? silentLogger).child({ collector: this.id });
  }

  get nodeName(): string {
    return this.config.nodeName ?? process.env['NODE_NAME'] ?? hostname();
  }

  async start(sink: RawEventSink): Promise<void> {
    if (this.session) return;
    this.state = { status: 'starting' };
    const report = checkPrerequisites({
      needs: 'tracing',
      ...(this.config.btfPath ? { btfPath: this.config.btfPath } : {}),
      ...(this.config.tracefsPath ? { tracefsPath: this.config.tracefsPath } : {}),
      mountTracefs: this.config.mountTracefs,
    });
    if (report.missing.length > 0) this.fail(new EbpfUnavailableError('kernel collector', report.missing));

    const addon = loadAddon();
    const workloads = new WorkloadCache(new CgroupAttributor(report.cgroups, this.deps.kubeIndex));
    const builder = new RawEventBuilder({ node: this.nodeName, clock: new BootClock(), pageSize: addon.pageSize(), ...(this.deps.kubeIndex ? { kubeIndex: this.deps.kubeIndex } : {}) });
    const queue = new EventQueue(sink, this.config.queueLimit, {
      onEmitted: () => {
        this.stats.emitted++;
        this.deps.metrics?.counter('tapio_kernel_events_total', 'Kernel events emitted as RawEvents').inc();
      },
      onDropped: () => {
        this.stats.queueDrops++;
        this.deps.metrics?.counter('tapio_kernel_queue_dropped_total', 'Kernel events dropped because the sink fell behind').inc();
      },
      onError: (error) => this.logger.error({ err: error }, 'kernel event rejected by the sink'),
    });

    const onRecord = (bytes: Buffer): void => {
      this.stats.records++;
      let record: KernelRecord;
      try {
        record = decodeKernelRecord(bytes);
      } catch (error) {
        this.stats.malformed++;
        this.deps.metrics?.counter('tapio_kernel_malformed_total', 'Kernel ring-buffer records that failed to decode').inc();
        this.logger.warn({ err: error }, 'malformed kernel record');
        return;
      }
      if (record.kind === 'signal') {
        this.signals.remember(record);
        return;
      }
      const sender = record.kind === 'exit' && record.signal !== 0 && record.header.process ? this.signals.take(record.header.process.pid, record.signal, record.header.bootNs) : undefined;
      queue.push(builder.build(record, workloads.workload(record.header.cgroupId, record.header.memcgId), sender));
    };

    const options = {
      config: {
        report_exec: this.config.captureExec ? 1 : 0,
        report_nonzero_exit: this.config.reportNonZeroExit ? 1 : 0,
        fatal_signal_mask: this.config.fatalSignals.reduce((mask, signal) => mask | (1n << BigInt(signal)), 0n),
        retransmit_threshold: this.config.retransmitThreshold,
        wakeup_bytes: this.config.wakeupBytes,
      },
      pollMs: this.config.pollMs,
      disabled: [] as string[],
    };
    const handlers = {
      onRecord,
      onFailure: (errno: number) => {
        this.state = { status: 'down', reason: `kernel ring buffer polling failed (errno ${errno}); probes detached` };
        this.logger.error({ errno }, this.state.reason);
      },
    };
    // A probe this kernel cannot take (an older tracepoint signature) is left out and
    // reported; the others still run.
    const unavailable: string[] = [];
    for (;;) {
      try {
        this.session = ProbeSession.open('kernel', options, handlers);
        break;
      } catch (error) {
        if (!isNativeProbeError(error)) throw error;
        const failed = /prog '([a-z_]+)': failed to load/.exec(error.detail)?.[1] ?? /^attach ([a-z_]+)/.exec(error.step)?.[1];
        if (failed && OPTIONAL_PROGRAMS[failed] && !options.disabled.includes(failed)) {
          options.disabled.push(failed);
          unavailable.push(`${OPTIONAL_PROGRAMS[failed]} (${explainLoadFailure(error.step, error.errno, error.detail)})`);
          continue;
        }
        this.fail(new EbpfUnavailableError('kernel collector', [explainLoadFailure(error.step, error.errno, error.detail)]));
      }
    }
    this.queue = queue;
    this.countersTimer = setInterval(() => this.publishCounters(), this.config.countersIntervalMs);
    this.countersTimer.unref();
    this.state = unavailable.length === 0 ? { status: 'ok' } : { status: 'degraded', reason: `kernel probes unavailable on this kernel: ${unavailable.join('; ')}` };
    if (unavailable.length > 0) this.logger.warn({ unavailable }, this.state.reason as string);
    this.logger.info({ node: this.nodeName, tracefs: report.tracefs, disabled: options.disabled }, 'kernel probes attached');
  }

  private fail(error: EbpfUnavailableError): never {
    this.state = { status: 'down', reason: error.message };
    this.logger.error({ missing: error.missing }, error.message);
    throw error;
  }

  /** Per-CPU kernel counters: drops per event kind and per CPU, and in-kernel aggregates. */
  counters(): ProbeCounters | undefined {
    if (!this.session?.running()) return this.lastCounters;
    this.lastCounters = this.session.counters();
    return this.lastCounters;
  }

  private dropsFollower: ReturnType<typeof totalFollower> | undefined;
  private aggregatedFollower: ReturnType<typeof totalFollower> | undefined;

  private publishCounters(): void {
    const counters = this.counters();
    if (!counters || !this.deps.metrics) return;
    // The kernel keeps these totals in BPF maps; the followers turn them into counters.
    const drops = (this.dropsFollower ??= totalFollower(this.deps.metrics.counter('tapio_kernel_ringbuf_drops_total', 'Kernel ring-buffer reserve failures, per event kind and CPU', ['kind', 'cpu'])));
    let total = 0n;
    for (const [kind, slot] of Object.entries(DROP_SLOTS)) {
      counters.perCpu[slot]?.forEach((value, cpu) => {
        drops(Number(value), { kind, cpu: String(cpu) });
        total += value;
      });
    }
    this.stats.kernelDrops = Number(total);
    const aggregated = (this.aggregatedFollower ??= totalFollower(this.deps.metrics.counter('tapio_kernel_aggregated_events_total', 'Kernel events counted in the kernel instead of being sent', ['event'])));
    for (const [name, slot] of Object.entries(AGGREGATE_SLOTS)) aggregated(Number(counters.total(slot)), { event: name });
  }

  statistics(): KernelCollectorStats {
    const counters = this.counters();
    if (counters) this.stats.kernelDrops = Number(Object.values(DROP_SLOTS).reduce((sum, slot) => sum + counters.total(slot), 0n));
    return { ...this.stats };
  }

  /** Stops the probes, delivers what the kernel already handed over, then waits for the sink. */
  async stop(): Promise<void> {
    if (this.countersTimer) clearInterval(this.countersTimer);
    this.countersTimer = undefined;
    const session = this.session;
    if (session) {
      this.counters();
      await session.stop();
    }
    this.session = undefined;
    await this.queue?.drain();
    this.queue = undefined;
    if (this.state.status !== 'down') this.state = { status: 'stopped' };
  }

  health(): ComponentHealth {
    const stats = this.statistics();
    return { ...this.state, details: { ...this.state.details, ...stats } };
  }
}

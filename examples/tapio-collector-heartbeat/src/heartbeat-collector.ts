import { freemem, loadavg, totalmem, uptime } from 'node:os';
import { parseDuration, silentLogger, type Collector, type ComponentHealth, type Logger, type RawEventSink } from '@tapio/plugin-api';
import { HEARTBEAT_SOURCE, type HeartbeatData } from './heartbeat.js';
import type { HeartbeatConfig } from './heartbeat-config.js';

/** What the collector reads from the host; replaceable so tests can play a reboot or a memory squeeze. */
export interface HostProbe {
  load1(): number;
  memAvailableBytes(): number;
  memTotalBytes(): number;
  uptimeSeconds(): number;
  now(): number;
}

export const osProbe: HostProbe = {
  load1: () => loadavg()[0] ?? 0,
  // On Linux, libuv reports MemAvailable (what can be allocated without swapping).
  memAvailableBytes: () => freemem(),
  memTotalBytes: () => totalmem(),
  uptimeSeconds: () => uptime(),
  now: () => Date.now(),
};

/**
 * Reports the node's load, memory and uptime every interval. A beat is awaited
 * before the next is taken, so a slow Tapio slows the heartbeat instead of piling
 * beats up; a beat Tapio refuses is logged and counted, and the next one still goes.
 */
export class HeartbeatCollector implements Collector {
  readonly id = 'heartbeat';
  readonly source = HEARTBEAT_SOURCE;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private beats = 0;
  private failures = 0;
  private lastError: string | undefined;
  private running = false;
  private busy = false;

  constructor(
    private readonly config: HeartbeatConfig,
    private readonly logger: Logger = silentLogger,
    private readonly probe: HostProbe = osProbe,
  ) {}

  async start(sink: RawEventSink): Promise<void> {
    if (this.running) throw new Error('heartbeat collector is already running');
    const intervalMs = parseDuration(this.config.interval);
    this.running = true;
    await this.beat(sink);
    this.timer = setInterval(() => {
      // Skip a tick rather than overlap beats when the sink is slow.
      if (this.busy || !this.running) return;
      this.busy = true;
      this.inFlight = this.beat(sink).finally(() => (this.busy = false));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  health(): ComponentHealth {
    if (!this.running) return { status: 'stopped', details: { beats: this.beats, failures: this.failures } };
    if (this.lastError) return { status: 'degraded', reason: `last heartbeat was refused: ${this.lastError}`, details: { beats: this.beats, failures: this.failures } };
    return { status: 'ok', details: { node: this.config.node, beats: this.beats } };
  }

  private async beat(sink: RawEventSink): Promise<void> {
    const now = this.probe.now();
    const uptimeSeconds = this.probe.uptimeSeconds();
    const data: HeartbeatData = {
      node: this.config.node,
      load1: this.probe.load1(),
      memAvailableBytes: this.probe.memAvailableBytes(),
      memTotalBytes: this.probe.memTotalBytes(),
      uptimeSeconds,
      bootedAt: Math.round(now - uptimeSeconds * 1000),
      memoryPressureRatio: this.config.memoryPressureRatio,
    };
    try {
      await sink.emit({ timestamp: new Date(now).toISOString(), type: 'Heartbeat', source: HEARTBEAT_SOURCE, data, metadata: { node: this.config.node } });
      this.beats += 1;
      this.lastError = undefined;
    } catch (error) {
      this.failures += 1;
      this.lastError = (error as Error).message;
      this.logger.warn({ err: error, node: this.config.node }, 'heartbeat refused');
    }
  }
}

import { watch, type FSWatcher } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { PollingLoop, silentLogger, type Collector, type ComponentHealth, type DeadLetterSink, type Logger, type Metrics, type RawEventSink } from '@tapio/plugin-api';
import { CNI_TAP_SOURCE } from '../cni-record.js';
import { CniConfig, type CniConfigInput } from './cni-config.js';
import { SpoolReader } from './spool-reader.js';

export interface CniCollectorDeps {
  logger?: Logger;
  deadLetters?: DeadLetterSink;
  /** tapio.yaml's folder, for a relative offsetFile. */
  baseDir?: string;
  /** Where the read circuit's state goes (tapio_circuit_state{circuit="collector:cni"}). */
  metrics?: Metrics;
}

/**
 * The CNI collector: reads the spool tapio-cni-tap (bin/tapio-cni-tap, wrapping the node's
 * real CNI plugin) appends one line to per ADD / DEL / CHECK, with the pod from CNI_ARGS and
 * the plugin's result (interface, IPs, gateway) or error (IPAM range exhausted, plugin
 * error). RawEvents of source `cni_tap`, one per line; the transformer classifies them.
 */
export class CniCollector implements Collector {
  readonly id = 'cni';
  readonly source = CNI_TAP_SOURCE;
  readonly config: CniConfig;
  private readonly logger: Logger;
  private readonly reader: SpoolReader;
  private readonly loop: PollingLoop;
  private sink: RawEventSink | undefined;
  private watcher: FSWatcher | undefined;
  private missing = false;
  private failure: string | undefined;
  readonly stats = { lines: 0, emitted: 0, deadLettered: 0 };

  constructor(
    config: CniConfigInput = {},
    private readonly deps: CniCollectorDeps = {},
  ) {
    this.config = CniConfig.parse(config);
    this.logger = (deps.logger ?? silentLogger).child({ collector: this.id });
    const offsetFile = isAbsolute(this.config.offsetFile) ? this.config.offsetFile : resolve(deps.baseDir ?? '.', this.config.offsetFile);
    this.reader = new SpoolReader(this.config.spool, offsetFile);
    this.loop = new PollingLoop({
      intervalMs: this.config.pollMs,
      poll: () => this.read().then(() => this.failure),
      onError: (error) => this.logger.error({ err: error }, 'CNI spool read failed'),
      circuit: { name: 'collector:cni', target: `the CNI spool ${this.config.spool}`, ...this.config.circuit, metrics: deps.metrics },
    });
  }

  get nodeName(): string {
    return this.config.nodeName ?? process.env['NODE_NAME'] ?? hostname();
  }

  /** Resolves after the lines already in the spool (past the saved offset) were handed on. */
  async start(sink: RawEventSink): Promise<void> {
    if (this.loop.running) return;
    this.sink = sink;
    await this.reader.load();
    await this.loop.start();
    try {
      // The folder, not the file: tapio-cni-tap may create the spool after Tapio started.
      this.watcher = watch(dirname(this.config.spool), (_event, name) => {
        if (name === null || name === basename(this.config.spool)) void this.readNow();
      });
      this.watcher.on('error', () => undefined);
    } catch {
      // No folder yet: the polls find the spool when it appears.
    }
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    await this.loop.stop();
  }

  health(): ComponentHealth {
    const health = this.loop.health(this.failure, { spool: this.config.spool, ...this.stats });
    // No spool yet is normal on a node that has started no pod since tapio-cni-tap was installed.
    return health.status === 'ok' && this.missing ? { ...health, reason: `no spool at ${this.config.spool} yet (tapio-cni-tap has not run)` } : health;
  }

  /** One read now, after the one in flight (reads run one at a time, in order). */
  readNow(): Promise<void> {
    return this.loop.pollNow();
  }

  /**
   * A spool that cannot be read (not a file, no permission) blinds the collector: degraded,
   * naming it, until a read succeeds; the offset has not moved, so what was written meanwhile
   * is read then.
   */
  private async read(): Promise<void> {
    try {
      this.missing = !(await this.reader.readNew((line) => this.handle(line)));
    } catch (error) {
      const reason = `CNI spool ${this.config.spool} not readable: ${(error as Error).message}`;
      if (reason !== this.failure) this.logger.warn({ spool: this.config.spool, reason }, 'CNI spool not readable');
      this.failure = reason;
      return;
    }
    if (this.failure) this.logger.info({ spool: this.config.spool }, 'CNI spool readable again');
    this.failure = undefined;
  }

  private async handle(line: string): Promise<void> {
    this.stats.lines++;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      this.deadLetter(`CNI spool line is not JSON: ${(error as Error).message}`, line);
      return;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record) || typeof (record as { command?: unknown }).command !== 'string') {
      this.deadLetter('CNI spool line is not a tapio-cni-tap record (an object with "command")', line);
      return;
    }
    const data: Record<string, unknown> = { ...(record as Record<string, unknown>), node: this.nodeName };
    const timestamp = typeof data['time'] === 'string' ? data['time'] : new Date().toISOString();
    try {
      await (this.sink as RawEventSink).emit({ timestamp, type: `cni_${String(data['command']).toLowerCase()}`, source: this.source, data, metadata: { node: this.nodeName, ...(this.config.cluster ? { cluster: this.config.cluster } : {}) } });
      this.stats.emitted++;
    } catch (error) {
      this.logger.warn({ err: error }, 'CNI event refused by Tapio');
    }
  }

  private deadLetter(reason: string, payload: string): void {
    this.stats.deadLettered++;
    this.logger.warn({ reason }, 'CNI spool line dead-lettered');
    this.deps.deadLetters?.put({ stage: 'decode', reason, source: this.source, origin: `collector:${this.id}`, at: new Date().toISOString(), payload: payload.slice(0, 64 * 1024) });
  }
}

import { hostname } from 'node:os';
import type { Collector, ComponentHealth, DeadLetterSink, Logger, Metrics, RawEvent, RawEventSink } from '@tapio/domain';
import { silentLogger, StreamRestarts } from '@tapio/domain';
import { classifyKernelMessage } from '../classify/kernel-messages.js';
import { UNIT_MESSAGE_IDS, unitFilter, unitMessageKind } from '../classify/systemd-messages.js';
import { CursorStore } from './cursor-store.js';
import { JournalCollectorConfig, type JournalCollectorConfigInput } from './journal-config.js';
import { JOURNAL_RAW_TYPE, pickJournalFields, type JournalEntryData } from './journal-entry.js';
import { probeJournald } from './journald-probe.js';
import { JournalctlReader, type JournalctlExit } from './journalctl-reader.js';

export interface JournalCollectorDeps {
  logger?: Logger;
  deadLetters?: DeadLetterSink;
  /** Folder relative paths of the settings resolve against. */
  baseDir?: string;
  /** Where the journalctl circuit's state goes (tapio_circuit_state{circuit="collector:journal"}). */
  metrics?: Metrics;
}

export interface JournalCollectorStats {
  lines: number;
  emitted: number;
  ignored: number;
  deadLettered: number;
  journalctlStarts: number;
}

/** journalctl stays up this long before an earlier exit stops counting against health. */
const SETTLE_MS = 500;
const MAX_RETRY_MS = 30_000;

/**
 * The systemd journal collector: follows the journal through `journalctl --output=json
 * --follow`, keeps systemd's unit state messages (failed, restarted, OOM-killed, started,
 * stopped) for the configured units and the kernel messages that matter, and hands them
 * to Tapio as RawEvents of source `systemd`. The cursor of each entry is saved once Tapio
 * accepted it, so a restart resumes right after the last one.
 */
export class JournalCollector implements Collector {
  readonly id = 'journal';
  readonly source = 'systemd';
  private readonly config: JournalCollectorConfig;
  private readonly logger: Logger;
  private readonly cursor: CursorStore;
  private readonly unitMatches: (unit: string) => boolean;
  private readonly stats: JournalCollectorStats = { lines: 0, emitted: 0, ignored: 0, deadLettered: 0, journalctlStarts: 0 };
  private sink: RawEventSink | undefined;
  private reader: JournalctlReader | undefined;
  private running = false;
  private startedAtSeconds = 0;
  private readerError: string | undefined;
  private journaldError: string | undefined;
  private readonly restarts: StreamRestarts;
  private probeTimer: NodeJS.Timeout | undefined;

  constructor(
    config: JournalCollectorConfigInput = {},
    private readonly deps: JournalCollectorDeps = {},
  ) {
    this.config = JournalCollectorConfig.parse(config);
    this.logger = (deps.logger ?? silentLogger).child({ collector: this.id });
    const cursorFile = this.config.cursorFile.startsWith('/') || !deps.baseDir ? this.config.cursorFile : `${deps.baseDir}/${this.config.cursorFile}`;
    this.cursor = new CursorStore(cursorFile, this.config.cursorFlushMs);
    this.unitMatches = unitFilter(this.config.units);
    this.restarts = new StreamRestarts({
      retryMs: this.config.retryMs,
      maxRetryMs: MAX_RETRY_MS,
      start: () => this.startReader(),
      onError: (error) => this.logger.error({ err: error }, 'starting journalctl failed'),
      circuit: { name: 'collector:journal', target: `journalctl (${this.config.journalctl})`, ...this.config.circuit, metrics: deps.metrics },
    });
  }

  get nodeName(): string {
    return this.config.nodeName ?? process.env['NODE_NAME'] ?? hostname();
  }

  get counters(): Readonly<JournalCollectorStats> {
    return this.stats;
  }

  async start(sink: RawEventSink): Promise<void> {
    if (this.running) return;
    this.cursor.load();
    this.sink = sink;
    this.running = true;
    // Without a saved cursor, follow from this second: entries journald writes while
    // journalctl is still opening the files are then not lost.
    this.startedAtSeconds = Math.floor(Date.now() / 1000);
    void this.restarts.start();
    await this.probe();
    this.probeTimer = setInterval(() => void this.probe(), this.config.healthIntervalMs);
    this.probeTimer.unref();
    this.logger.info({ node: this.nodeName, units: this.config.units, resumeAfter: this.cursor.current() ?? null }, 'following the systemd journal');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.restarts.stop();
    clearInterval(this.probeTimer);
    await this.reader?.stop();
    this.reader = undefined;
    this.cursor.flush();
  }

  health(): ComponentHealth {
    if (!this.running) return { status: 'stopped' };
    const details = { ...this.stats, cursor: this.cursor.current() ?? '' };
    const problems = [this.readerError, this.journaldError].filter((problem): problem is string => problem !== undefined);
    return this.restarts.health(problems.length ? problems.join('; ') : undefined, details);
  }

  /** journalctl's arguments: JSON, follow, resume point, and only the entries Tapio reads. */
  journalctlArgs(): string[] {
    const args = ['--output=json', '--follow', '--no-tail', '--no-pager', '--quiet'];
    if (this.config.directory) args.push(`--directory=${this.config.directory}`);
    const resumeAfter = this.cursor.current();
    args.push(resumeAfter ? `--after-cursor=${resumeAfter}` : `--since=@${this.startedAtSeconds}`);
    // Same field: OR; different fields: AND; `+`: OR of the groups. Unit messages are
    // trusted only from root (journald stamps _UID from the sender's credentials).
    args.push(...Object.values(UNIT_MESSAGE_IDS).map((id) => `MESSAGE_ID=${id}`), '_UID=0');
    if (this.config.kernel) args.push('+', '_TRANSPORT=kernel');
    return args;
  }

  /**
   * Starts journalctl; resolves once it ran SETTLE_MS (started) or with why it exited before
   * (a failed start, which the circuit counts). An exit after that is a stream that broke:
   * it is started again after the back-off.
   */
  private startReader(): Promise<string | undefined> {
    this.stats.journalctlStarts++;
    const reader = new JournalctlReader(this.config.journalctl, this.journalctlArgs(), (line) => this.onLine(line));
    this.reader = reader;
    return new Promise((resolve) => {
      let started = false;
      const settle = setTimeout(() => {
        started = true;
        if (this.reader === reader && this.running) {
          this.readerError = undefined;
          this.restarts.ran();
        }
        resolve(undefined);
      }, SETTLE_MS);
      settle.unref();
      void reader.done.then((exit) => {
        clearTimeout(settle);
        if (this.reader !== reader || !this.running) return resolve(undefined);
        const failure = this.onReaderExit(exit);
        if (started) this.restarts.restartLater();
        else resolve(failure);
      });
    });
  }

  private onReaderExit(exit: JournalctlExit): string {
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    this.readerError = `journal not readable: journalctl exited with ${how}${exit.stderr ? ` (${exit.stderr})` : ''}; retrying`;
    this.logger.warn({ code: exit.code, signal: exit.signal, stderr: exit.stderr }, 'journalctl exited; restarting it');
    return this.readerError;
  }

  private async probe(): Promise<void> {
    const failure = await probeJournald(this.config.journaldSocket);
    const was = this.journaldError;
    this.journaldError = failure ? `systemd-journald unreachable at ${this.config.journaldSocket} (${failure}): node services' entries are not being recorded` : undefined;
    if (was !== this.journaldError) this.logger.warn({ journald: failure ?? 'reachable' }, this.journaldError ?? 'systemd-journald reachable again');
  }

  private async onLine(line: string): Promise<void> {
    this.stats.lines++;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch (error) {
      this.deadLetter(`journalctl wrote a line that is not JSON: ${(error as Error).message}`, line);
      return;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      this.deadLetter('journalctl wrote a JSON value that is not an entry object', line);
      return;
    }
    const record = entry as Record<string, unknown>;
    const cursor = record['__CURSOR'];
    const realtime = Number(record['__REALTIME_TIMESTAMP']);
    if (typeof cursor !== 'string' || !Number.isFinite(realtime)) {
      this.deadLetter('journal entry without __CURSOR or numeric __REALTIME_TIMESTAMP', line);
      return;
    }
    if (!this.relevant(record)) {
      this.stats.ignored++;
      this.cursor.advance(cursor);
      return;
    }
    const data: JournalEntryData = { node: this.nodeName, fields: pickJournalFields(record) };
    const raw: RawEvent = { timestamp: new Date(Math.floor(realtime / 1000)).toISOString(), type: JOURNAL_RAW_TYPE, source: this.source, data, metadata: { node: this.nodeName } };
    try {
      await (this.sink as RawEventSink).emit(raw);
    } catch (error) {
      // Tapio refused it (shutting down): keep the cursor before it, so the next start reads it again.
      this.logger.warn({ err: error, cursor }, 'journal entry refused; it will be read again after a restart');
      return;
    }
    this.stats.emitted++;
    this.cursor.advance(cursor);
  }

  /** What journalctl's matches cannot say: the unit filter and which kernel lines matter. */
  private relevant(record: Record<string, unknown>): boolean {
    if (record['_TRANSPORT'] === 'kernel') {
      return typeof record['MESSAGE'] !== 'string' || classifyKernelMessage(record['MESSAGE']) !== undefined;
    }
    if (!unitMessageKind(typeof record['MESSAGE_ID'] === 'string' ? record['MESSAGE_ID'] : undefined)) return false;
    const unit = record['UNIT'] ?? record['USER_UNIT'];
    // A unit message naming no unit is malformed: the transformer dead-letters it with the reason.
    return typeof unit !== 'string' || this.unitMatches(unit);
  }

  private deadLetter(reason: string, payload: string): void {
    this.stats.deadLettered++;
    this.logger.warn({ reason }, 'journal entry dead-lettered');
    this.deps.deadLetters?.put({ stage: 'decode', reason, source: this.source, origin: `collector:${this.id}`, at: new Date().toISOString(), payload });
  }
}

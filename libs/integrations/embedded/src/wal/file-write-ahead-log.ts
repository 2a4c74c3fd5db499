import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { ComponentHealth, RawEvent, StateStore, WriteAheadLog } from '@tapio/domain';

export interface FileWriteAheadLogOptions {
  /** The log; its checkpoint is `<file>.checkpoint` beside it. */
  file: string;
  checkpointIntervalMs: number;
  /** fdatasync each batch of appends: survives a machine crash too, not just a process kill. */
  fsync: boolean;
}

interface Checkpoint {
  /** Entries before this sequence number are in the graph and the state already. */
  seq: number;
  state: Record<string, Array<[string, unknown]>>;
}

/**
 * The write-ahead log of the embedded mode: NDJSON lines `{"seq":n,"raw":{...}}` appended
 * in batches (one write per event-loop turn; each append resolves when its batch is
 * written, so a process kill loses nothing that was accepted), and a checkpoint file
 * written by rename (state of the transformers and the first sequence number not yet
 * at rest). A line cut short by a kill in the middle of a write was never acknowledged
 * and is skipped on recovery.
 */
export class FileWriteAheadLog implements WriteAheadLog {
  readonly state: CheckpointStateStore;
  private handle: FileHandle | undefined;
  private nextSeq = 0;
  private firstSeq = 0;
  private batch: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private writing: Promise<void> | undefined;
  private held: Promise<void> | undefined;
  private lastError: string | undefined;

  constructor(private readonly options: FileWriteAheadLogOptions) {
    this.state = new CheckpointStateStore(() => this.health());
  }

  get checkpointIntervalMs(): number {
    return this.options.checkpointIntervalMs;
  }

  private get checkpointFile(): string {
    return `${this.options.file}.checkpoint`;
  }

  async recover(): Promise<RawEvent[]> {
    await mkdir(dirname(this.options.file), { recursive: true, mode: 0o700 });
    const checkpoint = await this.readCheckpoint();
    this.firstSeq = checkpoint.seq;
    this.nextSeq = checkpoint.seq;
    this.state.load(checkpoint.state);
    const recovered: RawEvent[] = [];
    try {
      const lines = createInterface({ input: createReadStream(this.options.file, 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) {
        let entry: { seq?: unknown; raw?: RawEvent };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue; // torn by a kill in the middle of a write: never acknowledged
        }
        if (typeof entry.seq !== 'number' || !entry.raw) continue;
        this.nextSeq = Math.max(this.nextSeq, entry.seq + 1);
        if (entry.seq >= checkpoint.seq) recovered.push(entry.raw);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the write-ahead log ${this.options.file}: ${(error as Error).message}`);
    }
    this.handle = await open(this.options.file, 'a', 0o600);
    return recovered;
  }

  private async readCheckpoint(): Promise<Checkpoint> {
    try {
      const parsed = JSON.parse(await readFile(this.checkpointFile, 'utf8')) as Checkpoint;
      return { seq: Number(parsed.seq) || 0, state: parsed.state ?? {} };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { seq: 0, state: {} };
      throw new Error(`cannot read the write-ahead log checkpoint ${this.checkpointFile}: ${(error as Error).message}`);
    }
  }

  async append(raw: RawEvent): Promise<void> {
    while (this.held) await this.held;
    if (!this.handle) throw new Error('write-ahead log not open (recover() first)');
    this.batch.push(`${JSON.stringify({ seq: this.nextSeq, raw })}\n`);
    this.nextSeq += 1;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.batch.length === 1) setImmediate(() => void this.flush());
    return done;
  }

  /** Writes the batch (one at a time, in order) and answers everyone waiting for it. */
  private flush(): Promise<void> {
    const previous = this.writing ?? Promise.resolve();
    const run = previous.then(async () => {
      const lines = this.batch;
      const waiters = this.waiters;
      this.batch = [];
      this.waiters = [];
      if (lines.length === 0) return;
      try {
        await (this.handle as FileHandle).write(lines.join(''));
        if (this.options.fsync) await (this.handle as FileHandle).datasync();
        this.lastError = undefined;
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        this.lastError = (error as Error).message;
        for (const waiter of waiters) waiter.reject(new Error(`cannot append to the write-ahead log ${this.options.file}: ${this.lastError}`));
      }
    });
    this.writing = run;
    return run;
  }

  async checkpoint(settle: () => Promise<void>): Promise<void> {
    while (this.held) await this.held;
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    try {
      await this.flush();
      await settle();
      const checkpoint: Checkpoint = { seq: this.nextSeq, state: this.state.entries() };
      const temporary = `${this.checkpointFile}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(checkpoint), { mode: 0o600 });
      await rename(temporary, this.checkpointFile);
      // Everything before nextSeq is at rest: the log starts empty again.
      await this.handle?.truncate(0);
      this.firstSeq = this.nextSeq;
    } finally {
      this.held = undefined;
      release();
    }
  }

  /** Entries appended since the last checkpoint. */
  get pending(): number {
    return this.nextSeq - this.firstSeq;
  }

  health(): ComponentHealth {
    return this.lastError ? { status: 'degraded', reason: `cannot append to the write-ahead log: ${this.lastError}` } : { status: 'ok', details: { pending: this.pending } };
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
  }
}

/** The transformers' state in single-process mode: in memory, saved with each write-ahead log checkpoint. */
export class CheckpointStateStore implements StateStore {
  private readonly scopes = new Map<string, Map<string, unknown>>();

  constructor(private readonly healthOf: () => ComponentHealth) {}

  load(scope: string): Promise<Array<[string, unknown]>>;
  load(scopes: Record<string, Array<[string, unknown]>>): void;
  load(what: string | Record<string, Array<[string, unknown]>>): Promise<Array<[string, unknown]>> | void {
    if (typeof what === 'string') return Promise.resolve([...(this.scopes.get(what) ?? new Map<string, unknown>())]);
    for (const [scope, entries] of Object.entries(what)) this.scopes.set(scope, new Map(entries));
  }

  write(scope: string, changes: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    let entries = this.scopes.get(scope);
    if (!entries) this.scopes.set(scope, (entries = new Map()));
    for (const [key, value] of changes) {
      if (value === undefined) entries.delete(key);
      else entries.set(key, value);
    }
    return Promise.resolve();
  }

  entries(): Record<string, Array<[string, unknown]>> {
    return Object.fromEntries([...this.scopes].map(([scope, entries]) => [scope, [...entries]]));
  }

  health(): ComponentHealth {
    return this.healthOf();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

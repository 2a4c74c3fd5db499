import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { readLines } from './read-lines.js';

import { DEFAULT_INPUT_LIMITS, abortableSleep, ORIGIN_METADATA_KEY, RawEvent, depthBoundOfText, nestsDeeperThan, noteDepthBound, redactSecretsInData, redactSecretsInPayload, silentLogger, type Collector, type InputLimits, type ComponentHealth, type DeadLetterSink, type Logger, type RawEventSink } from '@tapio/domain';

export interface ReplayOptions {
  /** NDJSON recording; "-" reads standard input. */
  file: string;
  /** 0: as fast as possible; 1: at recorded pace; 10: ten times faster. */
  speed: number;
  deadLetters: DeadLetterSink;
  logger?: Logger;
  /** Stream to read instead of opening `file` (standard input, tests). */
  input?: Readable;
  /** Called after each line with the count of lines read, for progress display. */
  onProgress?: (linesRead: number) => void;
  /** Line size and nesting limits (the pipeline checks the rest). */
  limits?: InputLimits;
}

/** Refuses bytes that are not UTF-8 instead of replacing them with U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Offset of the first byte that does not decode, for the reject reason: where the lenient
 * decoder put its first U+FFFD that the input did not itself contain.
 */
function firstInvalidUtf8(bytes: Buffer): number {
  const text = bytes.toString('utf8');
  for (let index = text.indexOf('\uFFFD'); index !== -1; index = text.indexOf('\uFFFD', index + 1)) {
    const offset = Buffer.byteLength(text.slice(0, index), 'utf8');
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
  }
  return bytes.length;
}

/** Emits waiting for the sink at once. */
const EMIT_WINDOW = 1024;

/** How much of a recording file one read takes. */
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Replays a recording (RawEvent NDJSON, the format of shared/scenarios) as if its
 * collectors were live. A malformed line is dead-lettered with its file and line
 * number; the replay goes on.
 */
export class ReplayCollector implements Collector {
  readonly id = 'replay';
  readonly source = 'replay';
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();
  private status: ComponentHealth = { status: 'stopped' };
  private lines = 0;
  private emitted = 0;
  private rejected = 0;

  constructor(private readonly options: ReplayOptions) {
    if (!(options.speed >= 0)) throw new Error(`replay speed must be 0 (as fast as possible) or a positive factor, got ${options.speed}`);
  }

  async start(sink: RawEventSink): Promise<void> {
    const input = this.options.input ?? (this.options.file === '-' ? process.stdin : undefined);
    if (!input) {
      try {
        await access(this.options.file);
      } catch {
        this.status = { status: 'down', reason: `recording ${this.options.file} cannot be read` };
        throw new Error(`replay: recording ${this.options.file} does not exist or cannot be read`);
      }
    }
    this.status = { status: 'ok', details: { file: this.options.file } };
    // 1 MiB reads rather than the default 64 KiB: a 70 MB recording in 70 trips through the thread pool, not 1,100.
    this.done = this.run(sink, input ?? createReadStream(this.options.file, { highWaterMark: READ_CHUNK_BYTES }));
  }

  completion(): Promise<void> {
    return this.done;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done.catch(() => undefined);
    this.status = { status: 'stopped', details: this.details() };
  }

  health(): ComponentHealth {
    return this.status.status === 'ok' ? { ...this.status, details: this.details() } : this.status;
  }

  private details(): Record<string, number | string> {
    return { file: this.options.file, lines: this.lines, emitted: this.emitted, rejected: this.rejected };
  }

  private async run(sink: RawEventSink, input: Readable): Promise<void> {
    const logger = this.options.logger ?? silentLogger;
    const name = this.options.file === '-' ? 'stdin' : this.options.file;
    const limits = this.options.limits ?? DEFAULT_INPUT_LIMITS;
    let firstRecorded: number | undefined;
    const startedAt = Date.now();
    const inFlight: Array<Promise<void>> = [];
    let failure: unknown;
    try {
      for await (const line of readLines(input, limits.maxLineBytes)) {
        if (this.abort.signal.aborted) break;
        this.lines += 1;
        this.options.onProgress?.(this.lines);
        const origin = `${name}:${this.lines}`;
        if (line.tooLong !== undefined) {
          this.reject(origin, 'decode', `line of ${line.tooLong} bytes is longer than the limit of ${limits.maxLineBytes} (limits.maxLineBytes)`, undefined);
          continue;
        }
        let text: string;
        try {
          text = UTF8.decode(line.bytes);
        } catch {
          this.reject(origin, 'decode', `line is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(line.bytes)})`, line.bytes.subarray(0, 1024).toString('base64'));
          continue;
        }
        if (!text.trim()) continue;
        const event = this.parse(text, origin);
        if (!event) continue;
        if (this.options.speed > 0) {
          const recorded = Date.parse(event.timestamp);
          firstRecorded ??= recorded;
          const due = startedAt + (recorded - firstRecorded) / this.options.speed;
          const wait = due - Date.now();
          if (wait > 0) await abortableSleep(wait, this.abort.signal);
          if (this.abort.signal.aborted) break;
        }
        // Emits are issued in recorded order; up to EMIT_WINDOW wait for their sink at once,
        // so a bus that acknowledges each message (JetStream stores it first) is not paced
        // by its round trip. A full window waits for the oldest: backpressure still holds.
        inFlight.push(
          sink.emit(event).then(
            () => void (this.emitted += 1),
            (error: unknown) => void (failure ??= error),
          ),
        );
        if (inFlight.length >= EMIT_WINDOW) await inFlight.shift();
        if (failure !== undefined) throw failure;
      }
      await Promise.all(inFlight);
      if (failure !== undefined) throw failure;
      logger.info({ file: name, lines: this.lines, emitted: this.emitted, rejected: this.rejected }, 'replay finished');
    } finally {
      // Stops reading a file left early (abort, failure); standard input is not ours to close.
      if (input !== process.stdin) input.destroy();
    }
  }

  private parse(line: string, origin: string): RawEvent | undefined {
    const limits = this.options.limits ?? DEFAULT_INPUT_LIMITS;
    let value: unknown;
    // An upper bound of the line's nesting, from its text: the object is walked only when it is above the limit.
    const bound = depthBoundOfText(line, limits.maxDepth);
    try {
      value = JSON.parse(line);
    } catch (error) {
      return this.reject(origin, 'decode', `not JSON: ${(error as Error).message}`, line);
    }
    // Before anything recursive (schema, serialisation) touches it.
    if (bound === undefined && nestsDeeperThan(value, limits.maxDepth)) {
      return this.reject(origin, 'validate', `line nests deeper than the limit of ${limits.maxDepth} levels`, line.slice(0, 1024));
    }
    const result = RawEvent.safeParse(value);
    if (!result.success) {
      const issues = result.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      return this.reject(origin, 'validate', `invalid RawEvent: ${issues}`, value);
    }
    // Recordings made before Secrets were read as metadata only may hold their values: redacted on read.
    const data = redactSecretsInData(result.data.data);
    // The pipeline's depth check (limits.maxDepth) takes this bound instead of walking the event again.
    if (bound !== undefined) noteDepthBound(data, bound);
    // Where it was read, for the later stages' dead letters (not part of the event's id).
    return { ...result.data, data, metadata: { ...result.data.metadata, [ORIGIN_METADATA_KEY]: origin } };
  }

  private reject(origin: string, stage: 'decode' | 'validate', reason: string, payload: unknown): undefined {
    this.rejected += 1;
    this.options.deadLetters.put({ stage, reason, origin, at: new Date().toISOString(), payload: redactSecretsInPayload(payload), source: 'replay' });
    (this.options.logger ?? silentLogger).warn({ origin, reason }, 'replay line rejected');
    return undefined;
  }
}

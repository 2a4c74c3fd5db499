import { createWriteStream, type WriteStream } from 'node:fs';
import type { RawEvent } from '@tapio/domain';
import type { PhaseAwareSink } from '../collector/kubeapi-collector.js';
import type { DeliveryPhase } from '../informers/resource-informer.js';

export interface NdjsonRecordingOptions {
  /** When the recording started: the one timestamp of its starting state (default: now). */
  startedAtMs?: number;
  /** Changes held back while the starting state is still being listed; past this, the starting state ends. */
  maxHeldChanges?: number;
}

const wholeSecond = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Writes RawEvents as NDJSON, one per line: the recording format the replay collector
 * reads. The starting state (each kind's first list) is written with one timestamp, the
 * recording's start; changes the collector sees before every kind has been listed are
 * held back and written after it, so the file opens with the whole starting state and
 * timestamps never decrease. `emit` resolves once the line is buffered; when the file falls
 * behind it waits for the stream to drain (one shared wait, so concurrent emitters add no
 * listeners), so the collector slows down instead of the heap growing.
 */
export class NdjsonRecordingSink implements PhaseAwareSink {
  private readonly stream: WriteStream;
  private readonly startTimestamp: string;
  private readonly maxHeld: number;
  private held: RawEvent[] | undefined = [];
  private written = 0;
  private failure: Error | undefined;
  private drained: Promise<void> | undefined;

  constructor(
    readonly file: string,
    options: NdjsonRecordingOptions = {},
  ) {
    this.startTimestamp = wholeSecond(options.startedAtMs ?? Date.now());
    this.maxHeld = options.maxHeldChanges ?? 100_000;
    this.stream = createWriteStream(file, { flags: 'w', encoding: 'utf8' });
    this.stream.on('error', (error) => {
      this.failure = new Error(`recording to ${file} failed: ${error.message}`, { cause: error });
    });
  }

  /** A change (for sinks that do not know phases). */
  emit(event: RawEvent): Promise<void> {
    return this.emitObserved(event, 'change');
  }

  async emitObserved(event: RawEvent, phase: DeliveryPhase): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.held === undefined) return this.write(event);
    if (phase === 'initial') return this.write({ ...event, timestamp: this.startTimestamp });
    this.held.push(event);
    if (this.held.length >= this.maxHeld) await this.endStartingState();
  }

  /** Every kind has been listed (or the recording ends): writes the changes held back meanwhile. */
  async endStartingState(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held === undefined || held.length === 0) return;
    // Written in one synchronous run: a change arriving meanwhile cannot overtake them.
    let ready = true;
    for (const event of held) {
      ready = this.stream.write(`${JSON.stringify(event)}\n`);
      this.written += 1;
    }
    if (!ready) await this.drain();
    if (this.failure) throw this.failure;
  }

  get eventsWritten(): number {
    return this.written;
  }

  /** Flushes and closes the file; rejects if anything could not be written. */
  async close(): Promise<void> {
    await this.endStartingState();
    if (!this.stream.closed) {
      await new Promise<void>((resolve) => this.stream.end(resolve));
    }
    if (this.failure) throw this.failure;
  }

  private async write(event: RawEvent): Promise<void> {
    const ready = this.stream.write(`${JSON.stringify(event)}\n`);
    this.written += 1;
    if (!ready) await this.drain();
    if (this.failure) throw this.failure;
  }

  private drain(): Promise<void> {
    this.drained ??= new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.drained = undefined;
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
    });
    return this.drained;
  }
}

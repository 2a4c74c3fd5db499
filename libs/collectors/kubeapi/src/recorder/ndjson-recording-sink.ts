import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { RawEvent, RawEventSink } from '@tapio/domain';

/**
 * Writes RawEvents as NDJSON, one per line, in emit order: the recording format the
 * replay collector reads. `emit` resolves once the line is buffered; when the file falls
 * behind it waits for the stream to drain, so the collector slows down instead of the
 * heap growing.
 */
export class NdjsonRecordingSink implements RawEventSink {
  private readonly stream: WriteStream;
  private written = 0;
  private failure: Error | undefined;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { flags: 'w', encoding: 'utf8' });
    this.stream.on('error', (error) => {
      this.failure = new Error(`recording to ${file} failed: ${error.message}`, { cause: error });
    });
  }

  async emit(event: RawEvent): Promise<void> {
    if (this.failure) throw this.failure;
    const ready = this.stream.write(`${JSON.stringify(event)}\n`);
    this.written += 1;
    if (!ready) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error')]);
    if (this.failure) throw this.failure;
  }

  get eventsWritten(): number {
    return this.written;
  }

  /** Flushes and closes the file; rejects if anything could not be written. */
  async close(): Promise<void> {
    if (!this.stream.closed) {
      await new Promise<void>((resolve) => this.stream.end(resolve));
    }
    if (this.failure) throw this.failure;
  }
}

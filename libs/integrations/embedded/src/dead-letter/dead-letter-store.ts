import { appendFileSync, chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { redactSecretsInPayload, type DeadLetter, type DeadLetterSink } from '@tapio/domain';
import { boundedEntry } from './bounded-entry.js';

export interface DeadLetterStoreOptions {
  /** Entries kept in memory for inspection (newest). */
  keep?: number;
  /** Bytes (of serialised entries) kept in memory, at most; the oldest go first. */
  keepBytes?: number;
  /** A payload larger than this, serialised, is kept as its first bytes and its size. */
  maxPayloadBytes?: number;
  /** When set, every entry is also appended to this NDJSON file, so nothing refused is lost. */
  file?: string;
}

/**
 * Keeps refused inputs with their reason: the newest in memory (bounded in count and in
 * bytes), all of them in an append-only NDJSON file when configured. Appends are
 * synchronous on purpose: a dead letter is rare, and it must be on disk before the input
 * is acknowledged. A payload that cannot be serialised (nested too deep, circular) or is
 * too large is replaced by what can be said about it: putting never throws.
 */
export class DeadLetterStore implements DeadLetterSink {
  private readonly entries: DeadLetter[] = [];
  private readonly sizes: number[] = [];
  private head = 0;
  private bytes = 0;
  private total = 0;
  private readonly keep: number;
  private readonly keepBytes: number;
  private readonly maxPayloadBytes: number;

  constructor(private readonly options: DeadLetterStoreOptions = {}) {
    this.keep = options.keep ?? 1000;
    this.keepBytes = options.keepBytes ?? 16 * 1024 * 1024;
    this.maxPayloadBytes = options.maxPayloadBytes ?? 64 * 1024;
    if (options.file) {
      mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
      // A file left by an older Tapio may be world-readable.
      if (existsSync(options.file)) chmodSync(options.file, 0o600);
    }
  }

  /** Keeps the entry with any Secret in its payload redacted, whichever stage refused it. */
  put(entry: DeadLetter): void {
    const safe = { ...entry, payload: redactSecretsInPayload(entry.payload) };
    this.total += 1;
    const { entry: kept, line } = boundedEntry(safe, this.maxPayloadBytes);
    this.entries.push(kept);
    this.sizes.push(line.length);
    this.bytes += line.length;
    while (this.entries.length - this.head > this.keep || (this.bytes > this.keepBytes && this.entries.length - this.head > 1)) {
      this.bytes -= this.sizes[this.head] as number;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
    }
    if (this.options.file) appendFileSync(this.options.file, `${line}\n`, { mode: 0o600 });
  }

  count(): number {
    return this.total;
  }

  /** Serialised size of the entries kept in memory. */
  keptBytes(): number {
    return this.bytes;
  }

  recent(limit: number): DeadLetter[] {
    return this.entries.slice(Math.max(this.head, this.entries.length - limit));
  }
}

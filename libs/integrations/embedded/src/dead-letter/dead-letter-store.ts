import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeadLetter, DeadLetterSink } from '@tapio/domain';

export interface DeadLetterStoreOptions {
  /** Entries kept in memory for inspection (newest). */
  keep?: number;
  /** When set, every entry is also appended to this NDJSON file, so nothing refused is lost. */
  file?: string;
}

/**
 * Keeps refused inputs with their reason: the newest in memory, all of them in an
 * append-only NDJSON file when configured. Appends are synchronous on purpose: a
 * dead letter is rare, and it must be on disk before the input is acknowledged.
 */
export class DeadLetterStore implements DeadLetterSink {
  private readonly entries: DeadLetter[] = [];
  private total = 0;
  private readonly keep: number;

  constructor(private readonly options: DeadLetterStoreOptions = {}) {
    this.keep = options.keep ?? 1000;
    if (options.file) mkdirSync(dirname(options.file), { recursive: true });
  }

  put(entry: DeadLetter): void {
    this.total += 1;
    this.entries.push(entry);
    if (this.entries.length > this.keep) this.entries.shift();
    if (this.options.file) appendFileSync(this.options.file, `${JSON.stringify(entry)}\n`);
  }

  count(): number {
    return this.total;
  }

  recent(limit: number): DeadLetter[] {
    return this.entries.slice(-limit);
  }
}

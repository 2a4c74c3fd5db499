/**
 * The worker's side of the hand-off: UnifiedEvents gathered into batches, each posted once
 * it holds `batchEvents` events or when the event loop comes round (so a slow source is not
 * held back), at most `maxInFlight` batches posted and not yet published by the main thread.
 * Beyond that, batches wait here and `add` returns a promise that resolves when they are
 * all posted: the reader waits on it, so memory stays bounded (maxInFlight + the reader's
 * own window of batches). Order is kept: batches are posted in the order events were added.
 */
export class BatchHandOff<T> {
  private batch: T[] = [];
  private readonly waiting: T[][] = [];
  private inFlight = 0;
  private flushQueued = false;
  private readers: Array<() => void> = [];
  /** The most batches that were posted and not yet published at once (for tests and benchmarks). */
  maxInFlightSeen = 0;

  constructor(
    private readonly post: (batch: T[]) => void,
    private readonly batchEvents: number,
    private readonly maxInFlight: number,
  ) {}

  /** Adds one input's events; a promise when the reader should wait before its next input. */
  add(events: readonly T[]): Promise<void> | undefined {
    for (const event of events) {
      this.batch.push(event);
      if (this.batch.length >= this.batchEvents) this.cut();
    }
    if (this.batch.length > 0 && !this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        this.cut();
      });
    }
    return this.waiting.length > 0 ? new Promise<void>((resolve) => this.readers.push(resolve)) : undefined;
  }

  /** The main thread published a batch. */
  published(): void {
    this.inFlight -= 1;
    this.send();
  }

  /** Posts what is gathered and resolves once every batch is posted (not yet published). */
  async finish(): Promise<void> {
    this.cut();
    while (this.waiting.length > 0) await new Promise<void>((resolve) => this.readers.push(resolve));
  }

  /** Batches posted and not yet published. */
  get outstanding(): number {
    return this.inFlight;
  }

  private cut(): void {
    if (this.batch.length === 0) return;
    this.waiting.push(this.batch);
    this.batch = [];
    this.send();
  }

  private send(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      this.inFlight += 1;
      this.maxInFlightSeen = Math.max(this.maxInFlightSeen, this.inFlight);
      this.post(this.waiting.shift() as T[]);
    }
    if (this.waiting.length === 0 && this.readers.length > 0) for (const resume of this.readers.splice(0)) resume();
  }
}

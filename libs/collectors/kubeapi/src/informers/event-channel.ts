/**
 * A queue that a push-based source (a WebSocket) fills and an async loop drains.
 * Above `highWater` queued items it calls `pause`, below `lowWater` `resume`, so a slow
 * consumer slows the socket instead of growing the heap.
 */
export class EventChannel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private ended = false;
  private failure: unknown;
  private paused = false;

  constructor(
    private readonly flow: { pause(): void; resume(): void },
    private readonly highWater = 1000,
    private readonly lowWater = 100,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const waiter = this.waiting;
      this.waiting = undefined;
      waiter.resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (!this.paused && this.items.length >= this.highWater) {
      this.paused = true;
      this.flow.pause();
    }
  }

  /** Ends the stream; with an error, the consumer's loop throws it after the queued items. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    if (this.waiting && this.items.length === 0) {
      const waiter = this.waiting;
      this.waiting = undefined;
      if (error === undefined) waiter.resolve({ value: undefined, done: true });
      else waiter.reject(error);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) {
          if (this.paused && this.items.length <= this.lowWater) {
            this.paused = false;
            this.flow.resume();
          }
          return Promise.resolve({ value: item, done: false });
        }
        if (this.ended) {
          return this.failure === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.failure);
        }
        return new Promise((resolve, reject) => {
          this.waiting = { resolve, reject };
        });
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

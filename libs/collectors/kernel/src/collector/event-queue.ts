import type { RawEvent, RawEventSink } from '@tapio/domain';

/**
 * Between the drain callback (synchronous, on the JavaScript thread) and the sink
 * (asynchronous, may apply backpressure): events are emitted in order, one awaited at a
 * time. Past `limit` waiting events the newest are counted as dropped rather than
 * growing without bound; the kernel's own drop counters cover the ring buffer.
 */
export class EventQueue {
  private readonly waiting: RawEvent[] = [];
  private head = 0;
  private pumping: Promise<void> | undefined;

  constructor(
    private readonly sink: RawEventSink,
    private readonly limit: number,
    private readonly hooks: { onEmitted(): void; onDropped(): void; onError(error: unknown): void },
  ) {}

  get length(): number {
    return this.waiting.length - this.head;
  }

  push(event: RawEvent): void {
    if (this.length >= this.limit) {
      this.hooks.onDropped();
      return;
    }
    this.waiting.push(event);
    this.pumping ??= this.pump();
  }

  private async pump(): Promise<void> {
    while (this.head < this.waiting.length) {
      const event = this.waiting[this.head] as RawEvent;
      this.head++;
      try {
        await this.sink.emit(event);
        this.hooks.onEmitted();
      } catch (error) {
        this.hooks.onError(error);
      }
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
    }
    this.waiting.length = 0;
    this.head = 0;
    this.pumping = undefined;
  }

  /** Resolves once every accepted event has been handed to the sink. */
  async drain(): Promise<void> {
    while (this.pumping) await this.pumping;
  }
}

/**
 * A FIFO with a capacity. `push` resolves once there is room, which is how a slow
 * consumer slows its producers down instead of growing memory.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  private spaceWaiters: Array<() => void> = [];
  private itemWaiters: Array<() => void> = [];

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new Error(`queue capacity must be at least 1, got ${capacity}`);
  }

  get length(): number {
    return this.items.length - this.head;
  }

  async push(item: T): Promise<void> {
    while (this.length >= this.capacity) await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    this.items.push(item);
    this.itemWaiters.shift()?.();
  }

  /** Next item, waiting for one; undefined once `close()` was called and the queue is empty. */
  async take(closed: () => boolean): Promise<T | undefined> {
    while (this.length === 0) {
      if (closed()) return undefined;
      await new Promise<void>((resolve) => this.itemWaiters.push(resolve));
    }
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined as T;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.spaceWaiters.shift()?.();
    return item;
  }

  /** Wakes every waiting taker (used on close). */
  wake(): void {
    for (const waiter of this.itemWaiters.splice(0)) waiter();
  }
}

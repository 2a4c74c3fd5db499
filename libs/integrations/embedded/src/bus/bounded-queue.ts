/**
 * A FIFO with a capacity. `push` makes its caller wait while the queue is full,
 * which is how a slow consumer slows its producers down instead of growing memory.
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

  /**
   * Adds an item. Returns nothing when there was room (the common case: no promise
   * to allocate and await), or a promise that resolves once there was.
   */
  push(item: T): Promise<void> | undefined {
    if (this.length < this.capacity && this.spaceWaiters.length === 0) {
      this.append(item);
      return undefined;
    }
    return this.pushWhenRoom(item);
  }

  private async pushWhenRoom(item: T): Promise<void> {
    while (this.length >= this.capacity) await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    this.append(item);
  }

  private append(item: T): void {
    this.items.push(item);
    this.itemWaiters.shift()?.();
  }

  /** The next item if one is queued, without waiting. */
  tryTake(): T | undefined {
    return this.length === 0 ? undefined : this.removeHead();
  }

  /**
   * Waits until an item is queued (true) or the queue is closed and empty (false).
   * It does not take the item: the caller takes it with `tryTake` in the same tick
   * it marks it in flight, so an item is never neither queued nor in flight.
   */
  async waitForItem(closed: () => boolean): Promise<boolean> {
    while (this.length === 0) {
      if (closed()) return false;
      await new Promise<void>((resolve) => this.itemWaiters.push(resolve));
    }
    return true;
  }

  private removeHead(): T {
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

import type { WriteOp } from './write-op.js';

interface Waiter {
  seq: number;
  resolve: () => void;
}

/**
 * Accepted writes waiting for Neo4j, in acceptance order, bounded: `add` waits while the
 * buffer is full (backpressure), so a slow or absent Neo4j slows writers down instead of
 * growing memory without bound. Ops leave only when `commit` says they are durable.
 */
export class WriteBuffer {
  private ops: WriteOp[] = [];
  private head = 0;
  private accepted = 0;
  private committed = 0;
  private spaceWaiters: Array<() => void> = [];
  private flushWaiters: Waiter[] = [];
  private dataWaiter: (() => void) | undefined;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.ops.length - this.head;
  }

  get acceptedCount(): number {
    return this.accepted;
  }

  get committedCount(): number {
    return this.committed;
  }

  /** Accepts ops in order; resolves once all are in the buffer (waiting for room when it is full). */
  async add(ops: readonly WriteOp[]): Promise<void> {
    let index = 0;
    while (index < ops.length) {
      while (this.size >= this.limit) await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
      const room = this.limit - this.size;
      const end = Math.min(ops.length, index + room);
      for (; index < end; index += 1) this.ops.push(ops[index] as WriteOp);
      this.accepted = this.committed + this.size;
      this.signalData();
    }
  }

  /** The oldest `max` ops, still held. */
  peek(max: number): WriteOp[] {
    return this.ops.slice(this.head, this.head + Math.min(max, this.size));
  }

  /** Up to `max` held ops after the oldest `offset` ones (the batch after the one being written). */
  peekFrom(offset: number, max: number): WriteOp[] {
    const start = this.head + Math.min(offset, this.size);
    return this.ops.slice(start, Math.min(this.ops.length, start + max));
  }

  /** Drops the oldest `count` ops: they are durable (or were refused for good). */
  commit(count: number): void {
    this.head += count;
    this.committed += count;
    if (this.head > 4096 && this.head * 2 > this.ops.length) {
      this.ops = this.ops.slice(this.head);
      this.head = 0;
    }
    const space = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of space) wake();
    const ready = this.flushWaiters.filter((waiter) => waiter.seq <= this.committed);
    this.flushWaiters = this.flushWaiters.filter((waiter) => waiter.seq > this.committed);
    for (const waiter of ready) waiter.resolve();
  }

  /** Resolves when everything accepted before this call has been committed. */
  drained(): Promise<void> {
    const seq = this.accepted;
    if (this.committed >= seq) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push({ seq, resolve }));
  }

  /** Resolves when there is something to write (at once if there already is). */
  whenData(): Promise<void> {
    if (this.size > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.dataWaiter = resolve;
    });
  }

  /** Wakes a `whenData` waiter without data, e.g. on stop. */
  wake(): void {
    this.signalData();
  }

  private signalData(): void {
    const waiter = this.dataWaiter;
    this.dataWaiter = undefined;
    waiter?.();
  }
}

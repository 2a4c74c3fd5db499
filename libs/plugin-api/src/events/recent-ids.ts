/**
 * The ids seen within the last `windowMs` (and at most `capacity` of them), oldest forgotten
 * first: the de-duplication window of a bus. The embedded bus remembers the ids published
 * (as a NATS stream's `duplicateWindow` does); a NATS consumer remembers the events its
 * handler completed, so members of an envelope sent back whole, or re-published in another
 * grouping after a crash, are skipped. Both bounds matter: the count alone (200,000 per
 * topic) was reached only after hours at a few hundred events a second, so the ids of every
 * message of those hours stayed in memory (in the soak, +3.2 MB in 11 minutes at ~20
 * RawEvents/s, the largest growth found); the window alone would let a flood grow it
 * without bound.
 */
export class RecentIds {
  /**
   * Id → the sequence number of its newest remembering. The order of rememberings is kept
   * apart, in `order` and `times`: a Map used as the queue (delete the oldest, iterate from
   * the front) leaves the deleted entries in its table until it is rebuilt, and every
   * iterator started at the front steps over all of them: at 200,000 ids each remembering
   * took 169 µs, and the embedded bus remembers every message it publishes.
   */
  private readonly seqOf = new Map<string, number>();
  /** Ids in the order they were remembered (an id remembered again is there twice: the older place is stale), from `head` on. */
  private order: string[] = [];
  private times: number[] = [];
  private head = 0;
  /** The sequence number of `order[0]`. */
  private base = 0;
  private readonly capacity: number;

  constructor(
    capacity: number,
    private readonly windowMs = Number.POSITIVE_INFINITY,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, capacity);
  }

  /** True when the id is new (and remembers it), false for a duplicate within the window (left as it was). */
  add(id: string): boolean {
    if (this.has(id)) return false;
    this.remember(id);
    return true;
  }

  /** Whether the id was remembered within the window. */
  has(id: string): boolean {
    const seq = this.seqOf.get(id);
    return seq !== undefined && (this.times[seq - this.base] as number) > this.now() - this.windowMs;
  }

  /** Remembers the id as the newest, whether or not it was known. */
  remember(id: string): void {
    const at = this.now();
    this.seqOf.set(id, this.base + this.order.length);
    this.order.push(id);
    this.times.push(at);
    // From the oldest remembering: stale places skipped, ids out of the window or beyond the
    // capacity forgotten, until one is kept (a clock that went back keeps remembering order).
    while (this.head < this.order.length) {
      const oldest = this.order[this.head] as string;
      if (this.seqOf.get(oldest) === this.base + this.head) {
        if ((this.times[this.head] as number) > at - this.windowMs && this.seqOf.size <= this.capacity) break;
        this.seqOf.delete(oldest);
      }
      this.head += 1;
    }
    this.compact();
  }

  /**
   * Drops the places before `head` once they are half the queue, and the stale places once the
   * queue is more than twice the ids kept (one id remembered again and again while an older one
   * stays would otherwise grow it): each costs the queue's length, after as many rememberings.
   */
  private compact(): void {
    const length = this.order.length;
    if (length < 1_024) return;
    if (length - this.head > 2 * this.seqOf.size + 1_024) {
      const order: string[] = [];
      const times: number[] = [];
      for (let index = this.head; index < length; index += 1) {
        const id = this.order[index] as string;
        if (this.seqOf.get(id) !== this.base + index) continue;
        this.seqOf.set(id, order.length);
        order.push(id);
        times.push(this.times[index] as number);
      }
      this.order = order;
      this.times = times;
      this.base = 0;
      this.head = 0;
    } else if (this.head > length / 2) {
      this.order = this.order.slice(this.head);
      this.times = this.times.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  /** Ids remembered now. */
  get size(): number {
    return this.seqOf.size;
  }
}

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
  /** Id → when it was last remembered; a Map keeps insertion order, so the oldest is first. */
  private readonly ids = new Map<string, number>();
  private readonly capacity: number;
  /**
   * At most the time of the first (oldest) id remembered: while it is inside the window and
   * the count within capacity, nothing can be forgotten, and no iterator is made per id.
   * Kept only while the clock never went back (then insertion order is time order).
   */
  private oldestAt = Number.POSITIVE_INFINITY;
  private lastAt = Number.NEGATIVE_INFINITY;
  private clockWentBack = false;

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
    const at = this.ids.get(id);
    return at !== undefined && at > this.now() - this.windowMs;
  }

  /** Remembers the id as the newest, whether or not it was known. */
  remember(id: string): void {
    const at = this.now();
    if (at < this.lastAt) this.clockWentBack = true;
    this.lastAt = at;
    this.ids.delete(id);
    if (this.ids.size === 0) this.oldestAt = at;
    this.ids.set(id, at);
    if (!this.clockWentBack && this.oldestAt > at - this.windowMs && this.ids.size <= this.capacity) return;
    for (const [oldest, seen] of this.ids) {
      if (seen > at - this.windowMs && this.ids.size <= this.capacity) {
        this.oldestAt = seen;
        break;
      }
      this.ids.delete(oldest);
    }
  }

  /** Ids remembered now. */
  get size(): number {
    return this.ids.size;
  }
}

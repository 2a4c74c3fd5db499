/**
 * Remembers the ids published within the last `windowMs` (and at most `capacity` of them),
 * for de-duplicating redelivered messages, as a NATS stream's `duplicateWindow` does. Both
 * bounds matter: the count alone (200,000 per topic) was reached only after hours at a few
 * hundred events a second, so the ids of every message of those hours stayed in memory (in
 * the soak, +3.2 MB in 11 minutes at ~20 RawEvents/s, the largest growth found); the window
 * alone would let a flood grow it without bound.
 */
export class RecentIds {
  /** Id → when it was first published; a Map keeps insertion order, so the oldest is first. */
  private readonly ids = new Map<string, number>();
  private readonly capacity: number;

  constructor(
    capacity: number,
    private readonly windowMs = Number.POSITIVE_INFINITY,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, capacity);
  }

  /** True when the id is new (and remembers it), false for a duplicate within the window. */
  add(id: string): boolean {
    const at = this.now();
    this.forgetBefore(at - this.windowMs);
    if (this.ids.has(id)) return false;
    this.ids.set(id, at);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value as string);
    return true;
  }

  /** Ids remembered now. */
  get size(): number {
    return this.ids.size;
  }

  private forgetBefore(cutoff: number): void {
    for (const [id, at] of this.ids) {
      if (at >= cutoff) break;
      this.ids.delete(id);
    }
  }
}

/** Width of a bucket of the index, in event time. */
const BUCKET_MS = 1_000;

interface Bucket {
  /** Ids added to this bucket, in arrival order; removed ones stay until the bucket is compacted. */
  ids: string[];
  live: number;
}

/**
 * Event ids by event time, for paging newest first whatever order events arrived in
 * (replays, redeliveries and collectors with skewed clocks deliver out of order). Ids sit
 * in one-second buckets kept in time order; a bucket is sorted when it is read, so adding
 * is O(1) and a page costs a sort of the few buckets it touches.
 */
export class TimeIndex {
  private readonly buckets = new Map<number, Bucket>();
  /** Bucket numbers, ascending. */
  private order: number[] = [];

  constructor(private readonly timeOf: (id: string) => number | undefined) {}

  add(id: string, at: number): void {
    const number = Math.floor(at / BUCKET_MS);
    let bucket = this.buckets.get(number);
    if (!bucket) {
      bucket = { ids: [], live: 0 };
      this.buckets.set(number, bucket);
      this.insertNumber(number);
    }
    bucket.ids.push(id);
    bucket.live += 1;
  }

  /** Forgets an id (its event is gone: `timeOf` no longer knows it once compaction runs). */
  remove(at: number): void {
    const number = Math.floor(at / BUCKET_MS);
    const bucket = this.buckets.get(number);
    if (!bucket) return;
    bucket.live -= 1;
    if (bucket.live <= 0) {
      this.buckets.delete(number);
      const index = this.indexOf(number);
      if (this.order[index] === number) this.order.splice(index, 1);
    } else if (bucket.ids.length > 2 * bucket.live + 64) {
      bucket.ids = bucket.ids.filter((id) => this.timeOf(id) !== undefined);
    }
  }

  /**
   * Ids newest first (time descending, then id descending), starting with the bucket of
   * `notAfter` (event time, ms) when given; ids of removed events are skipped.
   */
  *newestFirst(notAfter?: number): IterableIterator<string> {
    let index = this.order.length - 1;
    if (notAfter !== undefined) {
      const last = Math.floor(notAfter / BUCKET_MS);
      index = this.indexOf(last + 1) - 1;
    }
    for (; index >= 0; index -= 1) {
      const bucket = this.buckets.get(this.order[index] as number);
      if (!bucket) continue;
      const entries: Array<{ id: string; at: number }> = [];
      const seen = new Set<string>();
      for (const id of bucket.ids) {
        const at = this.timeOf(id);
        // An id evicted and written again sits in its bucket twice until compaction.
        if (at === undefined || seen.has(id)) continue;
        seen.add(id);
        entries.push({ id, at });
      }
      entries.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      for (const entry of entries) yield entry.id;
    }
  }

  /** Position of the first bucket number >= `number` in `order`. */
  private indexOf(number: number): number {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.order[middle] as number) < number) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private insertNumber(number: number): void {
    // Events mostly arrive in time order: the new bucket usually goes at the end.
    const last = this.order[this.order.length - 1];
    if (last === undefined || last < number) this.order.push(number);
    else this.order.splice(this.indexOf(number), 0, number);
  }
}

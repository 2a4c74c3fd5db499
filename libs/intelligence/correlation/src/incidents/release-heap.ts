/** An entry of the release heap: when a held match is due, and which hold it was. */
export interface ReleaseEntry {
  releaseAt: number;
  /** Order of holding: among matches due at once, the older is released first. */
  seq: number;
}

/**
 * A binary min-heap of release times, so finding what is due costs log(held) per match
 * instead of a scan of every held match per event. Entries of matches cleared or released
 * early stay until their time comes and are skipped then (the caller checks they still hold).
 */
export class ReleaseHeap<Entry extends ReleaseEntry> {
  private readonly entries: Entry[] = [];

  get size(): number {
    return this.entries.length;
  }

  push(entry: Entry): void {
    const entries = this.entries;
    entries.push(entry);
    let at = entries.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!earlier(entry, entries[parent]!)) break;
      entries[at] = entries[parent]!;
      at = parent;
    }
    entries[at] = entry;
  }

  /** Starts again from `entries` alone (the caller drops entries no longer held this way). */
  rebuild(entries: Iterable<Entry>): void {
    this.entries.length = 0;
    for (const entry of entries) this.push(entry);
  }

  /** Removes and returns the earliest entry when it is due by `nowMs`. */
  popDue(nowMs: number): Entry | undefined {
    const entries = this.entries;
    const top = entries[0];
    if (!top || top.releaseAt > nowMs) return undefined;
    const last = entries.pop()!;
    if (entries.length) this.sinkFromTop(last);
    return top;
  }

  private sinkFromTop(entry: Entry): void {
    const entries = this.entries;
    const count = entries.length;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= count) break;
      const right = left + 1;
      const child = right < count && earlier(entries[right]!, entries[left]!) ? right : left;
      if (!earlier(entries[child]!, entry)) break;
      entries[at] = entries[child]!;
      at = child;
    }
    entries[at] = entry;
  }
}

function earlier(a: ReleaseEntry, b: ReleaseEntry): boolean {
  return a.releaseAt < b.releaseAt || (a.releaseAt === b.releaseAt && a.seq < b.seq);
}

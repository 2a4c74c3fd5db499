import type { IndexedEvent } from '@tapio/domain';

export interface SequencedEvent extends IndexedEvent {
  seq: number;
}

/**
 * Events of one index key in arrival order (close to time order). Old entries are
 * dropped from the front by sequence number, without copying on every eviction.
 */
export class EventList {
  /** Entries before `head` have left the window; their slots are emptied so the events can be collected. */
  private items: Array<SequencedEvent | undefined> = [];
  private head = 0;

  push(event: SequencedEvent): void {
    this.items.push(event);
  }

  /** Drops entries older than `minSeq`; returns true when the list became empty. */
  trim(minSeq: number): boolean {
    while (this.head < this.items.length && (this.items[this.head] as SequencedEvent).seq < minSeq) {
      this.items[this.head] = undefined;
      this.head += 1;
    }
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return this.head >= this.items.length;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /**
   * Entries at or after `since` (epoch ms), oldest first. Scans back from the newest
   * and stops `slackMs` before `since`, tolerating slightly out-of-order arrivals.
   */
  since(since: number, slackMs = 60_000): SequencedEvent[] {
    const result: SequencedEvent[] = [];
    for (let index = this.items.length - 1; index >= this.head; index -= 1) {
      const item = this.items[index] as SequencedEvent;
      if (item.at >= since) result.push(item);
      else if (item.at < since - slackMs) break;
    }
    return result.reverse();
  }

  /**
   * Like `since`, in one pass without intermediate arrays: only entries with a sequence
   * number of at least `minSeq` (still in the window) and, when given, of the listed types.
   */
  select(since: number, minSeq: number, types: ReadonlySet<string> | undefined, slackMs = 60_000): SequencedEvent[] {
    const result: SequencedEvent[] = [];
    const floor = since - slackMs;
    for (let index = this.items.length - 1; index >= this.head; index -= 1) {
      const item = this.items[index] as SequencedEvent;
      if (item.seq < minSeq) break;
      if (item.at >= since) {
        if (types === undefined || types.has(item.event.type)) result.push(item);
      } else if (item.at < floor) break;
    }
    return result.reverse();
  }

  /** Whether `select(since, minSeq, undefined)` would find anything, without building the list. */
  hasSince(since: number, minSeq: number, slackMs = 60_000): boolean {
    const floor = since - slackMs;
    for (let index = this.items.length - 1; index >= this.head; index -= 1) {
      const item = this.items[index] as SequencedEvent;
      if (item.seq < minSeq || item.at < floor) return false;
      if (item.at >= since) return true;
    }
    return false;
  }

  /** Entries in [from, to], oldest first. */
  between(from: number, to: number): SequencedEvent[] {
    return this.since(from).filter((item) => item.at <= to);
  }
}

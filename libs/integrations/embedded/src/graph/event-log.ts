import type { UnifiedEvent } from '@tapio/domain';

export interface RetentionPolicy {
  /** Most events kept; the oldest go first. */
  maxEvents: number;
  /** Events older than this, relative to the newest event's time, go. */
  maxAgeMs: number;
}

/** One retained event with its time: the same record is the id index's value and the arrival list's entry. */
interface Entry {
  id: string;
  at: number;
  event: UnifiedEvent;
}

/**
 * Events in arrival order with O(1) lookup by id and retention by count and age.
 * Age is measured against the newest event time seen (event time, not wall time),
 * so replaying an old recording keeps its events.
 */
export class EventLog {
  /** One map for event and time (a second map of times cost an insert and a delete per event). */
  private readonly byId = new Map<string, Entry>();
  private entries: Entry[] = [];
  private head = 0;
  private newest = Number.NEGATIVE_INFINITY;

  constructor(private readonly retention: RetentionPolicy) {}

  /** Adds an event; returns its event time (ms), or undefined when it was already there (idempotent). */
  add(event: UnifiedEvent): number | undefined {
    if (this.byId.has(event.id)) return undefined;
    const at = Date.parse(event.timestamp);
    const entry: Entry = { id: event.id, at, event };
    this.byId.set(event.id, entry);
    this.entries.push(entry);
    if (at > this.newest) this.newest = at;
    return at;
  }

  /** Removes what retention no longer allows; returns the evicted events. */
  evict(): UnifiedEvent[] {
    const evicted: UnifiedEvent[] = [];
    const oldestAllowed = this.newest - this.retention.maxAgeMs;
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head] as Entry;
      const overCount = this.byId.size > this.retention.maxEvents;
      if (!overCount && entry.at >= oldestAllowed) break;
      this.head += 1;
      if (this.byId.get(entry.id) !== entry) continue;
      this.byId.delete(entry.id);
      evicted.push(entry.event);
    }
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return evicted;
  }

  get(id: string): UnifiedEvent | undefined {
    return this.byId.get(id)?.event;
  }

  timeOf(id: string): number | undefined {
    return this.byId.get(id)?.at;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Newest first. */
  *newestFirst(): IterableIterator<UnifiedEvent> {
    for (let index = this.entries.length - 1; index >= this.head; index -= 1) {
      const entry = this.entries[index] as Entry;
      if (this.byId.get(entry.id) === entry) yield entry.event;
    }
  }

  *all(): IterableIterator<UnifiedEvent> {
    for (let index = this.head; index < this.entries.length; index += 1) {
      const entry = this.entries[index] as Entry;
      if (this.byId.get(entry.id) === entry) yield entry.event;
    }
  }
}

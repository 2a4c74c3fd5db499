import type { UnifiedEvent } from '@tapio/domain';

export interface RetentionPolicy {
  /** Most events kept; the oldest go first. */
  maxEvents: number;
  /** Events older than this, relative to the newest event's time, go. */
  maxAgeMs: number;
}

interface Entry {
  id: string;
  at: number;
}

/**
 * Events in arrival order with O(1) lookup by id and retention by count and age.
 * Age is measured against the newest event time seen (event time, not wall time),
 * so replaying an old recording keeps its events.
 */
export class EventLog {
  private readonly byId = new Map<string, UnifiedEvent>();
  private readonly times = new Map<string, number>();
  private entries: Entry[] = [];
  private head = 0;
  private newest = Number.NEGATIVE_INFINITY;

  constructor(private readonly retention: RetentionPolicy) {}

  /** Adds an event; returns false when it was already there (idempotent). */
  add(event: UnifiedEvent): boolean {
    if (this.byId.has(event.id)) return false;
    const at = Date.parse(event.timestamp);
    this.byId.set(event.id, event);
    this.times.set(event.id, at);
    this.entries.push({ id: event.id, at });
    if (at > this.newest) this.newest = at;
    return true;
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
      const event = this.byId.get(entry.id);
      if (!event) continue;
      this.byId.delete(entry.id);
      this.times.delete(entry.id);
      evicted.push(event);
    }
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return evicted;
  }

  get(id: string): UnifiedEvent | undefined {
    return this.byId.get(id);
  }

  timeOf(id: string): number | undefined {
    return this.times.get(id);
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
      const event = this.byId.get((this.entries[index] as Entry).id);
      if (event) yield event;
    }
  }

  *all(): IterableIterator<UnifiedEvent> {
    for (let index = this.head; index < this.entries.length; index += 1) {
      const event = this.byId.get((this.entries[index] as Entry).id);
      if (event) yield event;
    }
  }
}

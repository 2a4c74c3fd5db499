import { entityKey, type UnifiedEvent } from '@tapio/domain';
import { EventLog, type RetentionPolicy } from '../event-log.js';
import { TimeIndex } from '../time-index.js';

/**
 * The retained events: by id (the log, which applies retention), by event time (global
 * pages) and by the entity they affect (the AFFECTS edges).
 */
export class EventShelf {
  readonly log: EventLog;
  /** Every event by event time, for the global newest-first pages. */
  private readonly byTime: TimeIndex;
  private readonly affects = new Map<string, string[]>();

  constructor(retention: RetentionPolicy) {
    this.log = new EventLog(retention);
    this.byTime = new TimeIndex((id) => this.log.timeOf(id));
  }

  /**
   * Adds an event; false when it was already there. `key`: its entity's key, when the
   * caller has it (it names the entity's node with the same key: computed once per event).
   */
  add(event: UnifiedEvent, key = event.entity ? entityKey(event.entity) : undefined): boolean {
    const at = this.log.add(event);
    if (at === undefined) return false;
    this.byTime.add(event.id, at);
    if (key !== undefined) {
      let ids = this.affects.get(key);
      if (!ids) this.affects.set(key, (ids = []));
      ids.push(event.id);
    }
    return true;
  }

  /** Applies retention; returns the events that went. */
  evict(): UnifiedEvent[] {
    const evicted = this.log.evict();
    for (const event of evicted) this.forget(event);
    return evicted;
  }

  get(id: string): UnifiedEvent | undefined {
    return this.log.get(id);
  }

  has(id: string): boolean {
    return this.log.has(id);
  }

  get size(): number {
    return this.log.size;
  }

  get affectsCount(): number {
    let count = 0;
    for (const ids of this.affects.values()) count += ids.length;
    return count;
  }

  /** Entity keys with the ids of the events that affect them. */
  byEntity(): IterableIterator<[string, string[]]> {
    return this.affects.entries();
  }

  onKey(key: string): UnifiedEvent[] {
    const ids = this.affects.get(key);
    if (!ids) return [];
    const events: UnifiedEvent[] = [];
    for (const id of ids) {
      const event = this.log.get(id);
      if (event) events.push(event);
    }
    if (events.length < ids.length) this.affects.set(key, events.map((event) => event.id));
    return events;
  }

  /** Every event newest first by event time, starting at the cursor (or `until`) when given. */
  *newestFirst(cursor: { timestamp: string } | undefined, until: string | undefined): IterableIterator<UnifiedEvent> {
    const bounds = [cursor?.timestamp, until].filter((value): value is string => value !== undefined).map((value) => Date.parse(value));
    for (const id of this.byTime.newestFirst(bounds.length ? Math.min(...bounds) : undefined)) {
      const event = this.log.get(id);
      if (event) yield event;
    }
  }

  private forget(event: UnifiedEvent): void {
    this.byTime.remove(Date.parse(event.timestamp));
    // Its AFFECTS edge goes with it; retention evicts oldest first, so the id is at the front.
    if (!event.entity) return;
    const key = entityKey(event.entity);
    const ids = this.affects.get(key);
    const at = ids ? (ids[0] === event.id ? 0 : ids.indexOf(event.id)) : -1;
    if (ids && at !== -1) {
      if (at === 0) ids.shift();
      else ids.splice(at, 1);
      if (ids.length === 0) this.affects.delete(key);
    }
  }
}

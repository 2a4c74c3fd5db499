import type { IndexedEvent } from '@tapio/domain';
import { INTERESTING_TYPES } from '../event-classes.js';

interface Candidate {
  item: IndexedEvent;
  why: string;
  /** Which list (in reading order) it was found in: of two at the same time, the earlier list's wins. */
  list: number;
}

/**
 * The `limit` failures and changes nearest before an event, from several lists read in turn
 * (same entity, same owner, what it uses, its node), newest first; of two at the same time the
 * one read first, and an event found again under a later list keeps the first list's reason.
 * Only the `limit` best are kept while reading, instead of every candidate sorted at the end
 * (a busy owner lists dozens of events in the window, three are linked). Same result as a
 * stable sort of all distinct candidates by time, newest first, cut at `limit`: an event left
 * out has `limit` others at its time or later read before it, which stay ahead of it.
 *
 * A list can be read whole, oldest first (`consider`), or walked newest first (`begin`, then
 * `offer` per event): the walk can stop as soon as no event further back can make the best
 * (`offer` returns false), which on a busy owner is after a handful instead of every event
 * in the window.
 */
export class NearestEarlier {
  readonly best: Candidate[] = [];
  private list = -1;
  private why = '';

  constructor(
    private readonly limit: number,
    private readonly eventId: string,
    private readonly at: number,
  ) {}

  /** Reads a whole list, oldest first. */
  consider(items: readonly IndexedEvent[], why: string): void {
    this.begin(why);
    const best = this.best;
    for (const item of items) {
      if (item.at > this.at || item.event.id === this.eventId || !INTERESTING_TYPES.has(item.event.type)) continue;
      let position = best.length;
      while (position > 0 && (best[position - 1] as Candidate).item.at < item.at) position -= 1;
      this.insert(item, position);
    }
  }

  /** Starts a list to be walked newest first with `offer`. */
  begin(why: string): void {
    this.list += 1;
    this.why = why;
  }

  /**
   * The list's next event, walking newest first. `inOrder`: no event further back in the list
   * is later than this one (the stream arrived in time order up to it). Returns false when the
   * walk can stop: this event and every one further back are earlier than all `limit` kept.
   */
  offer(item: IndexedEvent, inOrder: boolean): boolean {
    const best = this.best;
    if (inOrder && best.length >= this.limit && item.at < (best[best.length - 1] as Candidate).item.at) return false;
    if (item.at > this.at || item.event.id === this.eventId || !INTERESTING_TYPES.has(item.event.type)) return true;
    // Walking back, an event of this list at the same time as one already kept from it was read
    // earlier in the list's own (oldest first) order, so it goes ahead of it; one kept from an
    // earlier list stays ahead.
    let position = best.length;
    while (position > 0) {
      const before = best[position - 1] as Candidate;
      if (before.item.at > item.at || (before.item.at === item.at && before.list !== this.list)) break;
      position -= 1;
    }
    this.insert(item, position);
    return true;
  }

  private insert(item: IndexedEvent, position: number): void {
    const best = this.best;
    if (position >= this.limit) return;
    if (best.some((candidate) => candidate.item.event.id === item.event.id)) return;
    best.splice(position, 0, { item, why: this.why, list: this.list });
    if (best.length > this.limit) best.pop();
  }
}

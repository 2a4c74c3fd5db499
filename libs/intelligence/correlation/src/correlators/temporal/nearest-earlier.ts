import type { IndexedEvent } from '@tapio/domain';
import { INTERESTING_TYPES } from '../event-classes.js';

interface Candidate {
  item: IndexedEvent;
  why: string;
}

/**
 * The `limit` failures and changes nearest before an event, from several lists read in turn
 * (same entity, same owner, what it uses, its node), newest first; of two at the same time the
 * one read first, and an event found again under a later list keeps the first list's reason.
 * Only the `limit` best are kept while reading, instead of every candidate sorted at the end
 * (a busy owner lists dozens of events in the window, three are linked). Same result as a
 * stable sort of all distinct candidates by time, newest first, cut at `limit`: an event left
 * out has `limit` others at its time or later read before it, which stay ahead of it.
 */
export class NearestEarlier {
  readonly best: Candidate[] = [];

  constructor(
    private readonly limit: number,
    private readonly eventId: string,
    private readonly at: number,
  ) {}

  consider(items: readonly IndexedEvent[], why: string): void {
    const best = this.best;
    for (const item of items) {
      if (item.at > this.at || item.event.id === this.eventId || !INTERESTING_TYPES.has(item.event.type)) continue;
      let position = best.length;
      while (position > 0 && (best[position - 1] as Candidate).item.at < item.at) position -= 1;
      if (position >= this.limit) continue;
      if (best.some((candidate) => candidate.item.event.id === item.event.id)) continue;
      best.splice(position, 0, { item, why });
      if (best.length > this.limit) best.pop();
    }
  }
}

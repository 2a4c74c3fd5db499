import type { EventType } from '@tapio/domain';
import { EventList, type SequencedEvent } from './event-list.js';

/** Up to this many requested types are served from the per-type lists; more scan the key's full list. */
const TYPED_LOOKUP_LIMIT = 8;

/**
 * Recent events by one key (entity, owner, node or namespace), each also listed under
 * key + event type. A typed question ("OOM kills on node-2 in the last 20 minutes")
 * then reads only the matching events instead of scanning everything that happened on
 * a busy node or owner in the window: the lookups the correlators and the pattern
 * matcher make per event stay proportional to what they are looking for.
 */
interface Bucket {
  all: EventList;
  byType: Map<string, EventList>;
}

export class KeyedIndex {
  private readonly buckets = new Map<string, Bucket>();

  add(key: string | undefined, event: SequencedEvent): void {
    if (key === undefined) return;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { all: new EventList(), byType: new Map() }));
    bucket.all.push(event);
    const type = event.event.type;
    let list = bucket.byType.get(type);
    if (!list) bucket.byType.set(type, (list = new EventList()));
    list.push(event);
  }

  /** Events on `key` at or after `since` still in the window (seq >= minSeq), of the given types, in arrival order. */
  query(key: string, since: number, minSeq: number, types: ReadonlySet<EventType> | undefined): SequencedEvent[] {
    const bucket = this.buckets.get(key);
    if (!bucket) return [];
    if (types && types.size <= TYPED_LOOKUP_LIMIT) {
      let single: SequencedEvent[] | undefined;
      let parts: SequencedEvent[][] | undefined;
      for (const type of types) {
        const list = bucket.byType.get(type);
        if (!list) continue;
        const items = list.select(since, minSeq, undefined);
        if (items.length === 0) continue;
        if (!single) single = items;
        else (parts ??= [single]).push(items);
      }
      if (!parts) return single ?? [];
      return parts.flat().sort((a, b) => a.seq - b.seq);
    }
    return bucket.all.select(since, minSeq, types);
  }

  /** Drops entries older than `minSeq` and lists that became empty. */
  trim(minSeq: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.all.trim(minSeq)) {
        this.buckets.delete(key);
        continue;
      }
      for (const [type, list] of bucket.byType) if (list.trim(minSeq)) bucket.byType.delete(type);
    }
  }
}

import type { EventType } from '@tapio/domain';
import type { EventRing, SequencedEvent } from './event-ring.js';

/** Up to this many requested types are served from the per-type chains; more walk the key's full chain. */
const TYPED_LOOKUP_LIMIT = 8;

/** A key's newest sequence number, over all its events and per event type. */
interface Heads {
  all: number;
  byType: Map<string, number>;
}

/**
 * Recent events by one key (entity, owner, node or namespace), each also chained under
 * key + event type. A typed question ("OOM kills on node-2 in the last 20 minutes")
 * then reads only the matching events instead of scanning everything that happened on
 * a busy node or owner in the window: the lookups the correlators and the pattern
 * matcher make per event stay proportional to what they are looking for. The events
 * themselves live once in the ring; this holds only each chain's newest sequence number.
 */
export class KeyedIndex {
  private readonly heads = new Map<string, Heads>();

  /** `allChain` and `typedChain`: this index's two link columns in the ring. */
  constructor(
    private readonly ring: EventRing,
    private readonly allChain: number,
    private readonly typedChain: number,
  ) {}

  add(key: string | undefined, event: SequencedEvent): void {
    if (key === undefined) return;
    let heads = this.heads.get(key);
    if (!heads) this.heads.set(key, (heads = { all: -1, byType: new Map() }));
    this.ring.link(event.seq, this.allChain, heads.all);
    heads.all = event.seq;
    const type = event.event.type;
    this.ring.link(event.seq, this.typedChain, heads.byType.get(type) ?? -1);
    heads.byType.set(type, event.seq);
  }

  /** Events on `key` at or after `since` still in the window (seq >= minSeq), of the given types, in arrival order. */
  query(key: string, since: number, minSeq: number, types: ReadonlySet<EventType> | undefined): SequencedEvent[] {
    const heads = this.heads.get(key);
    if (!heads) return [];
    if (types && types.size <= TYPED_LOOKUP_LIMIT) {
      let single: SequencedEvent[] | undefined;
      let parts: SequencedEvent[][] | undefined;
      for (const type of types) {
        const newest = heads.byType.get(type);
        if (newest === undefined) continue;
        const items = this.ring.select(newest, this.typedChain, since, minSeq, undefined);
        if (items.length === 0) continue;
        if (!single) single = items;
        else (parts ??= [single]).push(items);
      }
      if (!parts) return single ?? [];
      return parts.flat().sort((a, b) => a.seq - b.seq);
    }
    return this.ring.select(heads.all, this.allChain, since, minSeq, types);
  }

  /** Forgets keys (and key + type pairs) whose newest event left the window: the chains need no trimming. */
  trim(minSeq: number): void {
    for (const [key, heads] of this.heads) {
      if (heads.all < minSeq) {
        this.heads.delete(key);
        continue;
      }
      for (const [type, newest] of heads.byType) if (newest < minSeq) heads.byType.delete(type);
    }
  }

  /** Whether `key` has had an event since the last trim. */
  has(key: string): boolean {
    return this.heads.has(key);
  }

  /** Keys held (for memory accounting and tests). */
  get keys(): number {
    return this.heads.size;
  }
}

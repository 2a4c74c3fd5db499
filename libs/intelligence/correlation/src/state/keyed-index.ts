import type { EventType } from '@tapio/domain';
import type { EventRing, SequencedEvent, SlotTest } from './event-ring.js';
import { typeMaskOf } from './type-ids.js';

/**
 * A key's newest sequence numbers: `[all, typeId, newest, typeId, newest, ...]`, over all its
 * events and per event type (a key sees few types, so a linear search of a short array of
 * small numbers beats a Map per key, in time and in bytes).
 */
type Heads = number[];

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

  add(key: string | undefined, event: SequencedEvent, typeId: number): void {
    if (key === undefined) return;
    const heads = this.heads.get(key);
    const seq = event.seq;
    if (heads === undefined) {
      this.ring.link(seq, this.allChain, -1);
      this.ring.link(seq, this.typedChain, -1);
      this.heads.set(key, [seq, typeId, seq]);
      return;
    }
    this.ring.link(seq, this.allChain, heads[0] as number);
    heads[0] = seq;
    for (let at = 1; at < heads.length; at += 2) {
      if (heads[at] !== typeId) continue;
      this.ring.link(seq, this.typedChain, heads[at + 1] as number);
      heads[at + 1] = seq;
      return;
    }
    this.ring.link(seq, this.typedChain, -1);
    heads.push(typeId, seq);
  }

  /** Events on `key` at or after `since` still in the window (seq >= minSeq), of the given types, in arrival order. */
  query(key: string, since: number, minSeq: number, types: ReadonlySet<EventType> | undefined): SequencedEvent[] {
    const heads = this.heads.get(key);
    if (!heads) return [];
    if (types) {
      // The key's own types (a handful) that were asked for: only matching events are read,
      // however many other events the key had in the window.
      const mask = typeMaskOf(types);
      let single: SequencedEvent[] | undefined;
      let parts: SequencedEvent[][] | undefined;
      for (let at = 1; at < heads.length; at += 2) {
        if (mask[heads[at] as number] !== 1) continue;
        const items = this.ring.select(heads[at + 1] as number, this.typedChain, since, minSeq, undefined);
        if (items.length === 0) continue;
        if (!single) single = items;
        else (parts ??= [single]).push(items);
      }
      if (!parts) return single ?? [];
      return parts.flat().sort((a, b) => a.seq - b.seq);
    }
    return this.ring.select(heads[0] as number, this.allChain, since, minSeq, types);
  }

  /**
   * The events `query` lists, newest first, each handed to `visit` until it returns false
   * (`inOrder`: see `EventRing.walkBack`). A typed question walks the key's chains of those
   * types, merged by arrival.
   */
  walkBack(key: string, since: number, minSeq: number, types: ReadonlySet<EventType> | undefined, visit: (item: SequencedEvent, inOrder: boolean) => boolean): void {
    const heads = this.heads.get(key);
    if (!heads) return;
    if (types) {
      // Most keys have one chain of the asked types, or none: only two or more need merging (and an array).
      const mask = typeMaskOf(types);
      let first = -1;
      let more: number[] | undefined;
      for (let at = 1; at < heads.length; at += 2) {
        if (mask[heads[at] as number] !== 1) continue;
        const head = heads[at + 1] as number;
        if (first < 0) first = head;
        else (more ??= [first]).push(head);
      }
      if (more) this.ring.walkBackMerged(more, this.typedChain, since, minSeq, visit);
      else if (first >= 0) this.ring.walkBack(first, this.typedChain, since, minSeq, undefined, visit);
      return;
    }
    this.ring.walkBack(heads[0] as number, this.allChain, since, minSeq, types, visit);
  }

  /**
   * The first event `query` would list that `test` accepts by its time and tag: each of the
   * key's chains of those types walked on its own (no merge), the smallest sequence number
   * among their answers read back. The events tested are the ones `walkBack` visits.
   */
  earliest(key: string, since: number, minSeq: number, types: ReadonlySet<EventType> | undefined, test: SlotTest): SequencedEvent | undefined {
    const heads = this.heads.get(key);
    if (!heads) return undefined;
    if (!types) {
      const seq = this.ring.earliestOnChain(heads[0] as number, this.allChain, since, minSeq, test);
      return seq < 0 ? undefined : this.ring.get(seq);
    }
    const mask = typeMaskOf(types);
    let best = -1;
    for (let at = 1; at < heads.length; at += 2) {
      if (mask[heads[at] as number] !== 1) continue;
      const seq = this.ring.earliestOnChain(heads[at + 1] as number, this.typedChain, since, minSeq, test);
      if (seq >= 0 && (best < 0 || seq < best)) best = seq;
    }
    return best < 0 ? undefined : this.ring.get(best);
  }

  /** The last event `query` would list that `test` accepts by its time and tag (as `earliest`, from the newest end). */
  latest(key: string, since: number, minSeq: number, types: ReadonlySet<EventType> | undefined, test: SlotTest): SequencedEvent | undefined {
    const heads = this.heads.get(key);
    if (!heads) return undefined;
    if (!types) {
      const seq = this.ring.latestOnChain(heads[0] as number, this.allChain, since, minSeq, test, -1);
      return seq < 0 ? undefined : this.ring.get(seq);
    }
    const mask = typeMaskOf(types);
    let best = -1;
    for (let at = 1; at < heads.length; at += 2) {
      if (mask[heads[at] as number] !== 1) continue;
      const seq = this.ring.latestOnChain(heads[at + 1] as number, this.typedChain, since, minSeq, test, best);
      if (seq > best) best = seq;
    }
    return best < 0 ? undefined : this.ring.get(best);
  }

  /** Forgets keys (and key + type pairs) whose newest event left the window: the chains need no trimming. */
  trim(minSeq: number): void {
    for (const [key, heads] of this.heads) {
      if ((heads[0] as number) < minSeq) {
        this.heads.delete(key);
        continue;
      }
      let kept = 1;
      for (let at = 1; at < heads.length; at += 2) {
        if ((heads[at + 1] as number) < minSeq) continue;
        heads[kept] = heads[at] as number;
        heads[kept + 1] = heads[at + 1] as number;
        kept += 2;
      }
      heads.length = kept;
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


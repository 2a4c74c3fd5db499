import type { EventType } from '@tapio/domain';
import type { EventRing, SequencedEvent, SlotTest } from './event-ring.js';
import { typeMaskOf } from './type-ids.js';

/**
 * A key's newest sequence numbers and its tag: `[all, tag, typeId, newest, typeId, newest, ...]`,
 * over all its events and per event type (a key sees few types, so a linear search of a short
 * array of small numbers beats a Map per key, in time and in bytes).
 */
type Heads = number[];
/** Where a key's type pairs start in its heads, after `all` and the tag. */
const PAIRS = 2;

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

  /**
   * `allChain` and `typedChain`: this index's two link columns in the ring. `tagger`: gives a
   * key its tag on its first event since it was last forgotten; each of its events then carries
   * that tag in its ring slot (one index of a ring may tag). The tag lives in the key's heads, so
   * it is forgotten with them, and found by the lookup `add` makes anyway.
   */
  constructor(
    private readonly ring: EventRing,
    private readonly allChain: number,
    private readonly typedChain: number,
    private readonly tagger?: (key: string) => number,
  ) {}

  add(key: string | undefined, event: SequencedEvent, typeId: number): void {
    if (key === undefined) return;
    const heads = this.heads.get(key);
    const seq = event.seq;
    if (heads === undefined) {
      this.ring.link(seq, this.allChain, -1);
      this.ring.link(seq, this.typedChain, -1);
      const tag = this.tagger ? this.tagger(key) : 0;
      if (this.tagger) this.ring.setTag(seq, tag);
      this.heads.set(key, [seq, tag, typeId, seq]);
      return;
    }
    if (this.tagger) this.ring.setTag(seq, heads[1] as number);
    this.ring.link(seq, this.allChain, heads[0] as number);
    heads[0] = seq;
    for (let at = PAIRS; at < heads.length; at += 2) {
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
      for (let at = PAIRS; at < heads.length; at += 2) {
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
      for (let at = PAIRS; at < heads.length; at += 2) {
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
    return this.match(key, since, minSeq, types, test, false);
  }

  /** The last event `query` would list that `test` accepts by its time and tag (as `earliest`, from the newest end). */
  latest(key: string, since: number, minSeq: number, types: ReadonlySet<EventType> | undefined, test: SlotTest): SequencedEvent | undefined {
    return this.match(key, since, minSeq, types, test, true);
  }

  /** `earliest` (`latest` false) or `latest`: the best of each chain's `matchOnChain` answer. */
  private match(key: string, since: number, minSeq: number, types: ReadonlySet<EventType> | undefined, test: SlotTest, latest: boolean): SequencedEvent | undefined {
    const heads = this.heads.get(key);
    if (!heads) return undefined;
    if (!types) {
      const seq = this.ring.matchOnChain(heads[0] as number, this.allChain, since, minSeq, test, latest);
      return seq < 0 ? undefined : this.ring.get(seq);
    }
    const mask = typeMaskOf(types);
    let best = -1;
    for (let at = PAIRS; at < heads.length; at += 2) {
      if (mask[heads[at] as number] !== 1) continue;
      // A latest answer must beat the best so far: the walk stops once past it.
      const seq = this.ring.matchOnChain(heads[at + 1] as number, this.typedChain, since, minSeq, test, latest, latest ? best : -1);
      if (seq >= 0 && (best < 0 || (latest ? seq > best : seq < best))) best = seq;
    }
    return best < 0 ? undefined : this.ring.get(best);
  }

  /** How many of the events `walkBack` visits `test` accepts by their time and tag: each of the key's chains of those types counted on its own. */
  count(key: string, since: number, minSeq: number, types: ReadonlySet<EventType> | undefined, test: SlotTest): number {
    const heads = this.heads.get(key);
    if (!heads) return 0;
    if (!types) return this.ring.countOnChain(heads[0] as number, this.allChain, since, minSeq, test);
    const mask = typeMaskOf(types);
    let counted = 0;
    // An event is on one chain of its type only, so the chains' counts add up without overlap.
    for (let at = PAIRS; at < heads.length; at += 2) {
      if (mask[heads[at] as number] === 1) counted += this.ring.countOnChain(heads[at + 1] as number, this.typedChain, since, minSeq, test);
    }
    return counted;
  }

  /** Forgets keys (and key + type pairs) whose newest event left the window: the chains need no trimming. */
  trim(minSeq: number): void {
    for (const [key, heads] of this.heads) {
      if ((heads[0] as number) < minSeq) {
        this.heads.delete(key);
        continue;
      }
      let kept = PAIRS;
      for (let at = PAIRS; at < heads.length; at += 2) {
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

  /** The key's tag (see `tagger`; 0 in an index without one), undefined for a key it does not hold. */
  tagOf(key: string): number | undefined {
    return this.heads.get(key)?.[1];
  }

  /** Keys held (for memory accounting and tests). */
  get keys(): number {
    return this.heads.size;
  }
}


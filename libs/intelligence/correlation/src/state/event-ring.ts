import type { IndexedEvent } from '@tapio/domain';

export interface SequencedEvent extends IndexedEvent {
  seq: number;
}

/** Links per event: entity, owner, node and namespace (each all types and by type), and the global by-type list. */
export const CHAINS = 9;
/** How far before `since` a chain is still walked, tolerating slightly out-of-order arrivals. */
const SLACK_MS = 60_000;
const INITIAL_CAPACITY = 1_024;
/**
 * A slot's time and links lie side by side, 48 bytes per slot: a Float64 (the time) then
 * CHAINS Uint32 links (and padding to 8-byte alignment). A walk step reads both for one slot
 * far from the last one read; in two columns that was two cache misses, in one it is mostly one.
 */
const SLOT_BYTES = 48;
/** Where a slot's time is among the buffer's Float64s, and its first link among its Uint32s. */
const TIME_STRIDE = SLOT_BYTES / 8;
const LINK_STRIDE = SLOT_BYTES / 4;
const LINK_OFFSET = 2;
/**
 * Where a slot's tag is among its Uint32s: the word after the links (the slot's padding). The
 * tag is the owner's to give (the working state's entity id and kind): a walk that tests it
 * and the time decides on an event without reading the event object, a cache miss per step.
 */
const TAG_OFFSET = LINK_OFFSET + CHAINS;
if (TAG_OFFSET + 1 > LINK_STRIDE) throw new Error(`EventRing: ${CHAINS} links and a tag do not fit a ${SLOT_BYTES}-byte slot beside its time`);

/** Decides on an event from its time and tag alone (see `EventRing.matchOnChain`). */
export type SlotTest = (at: number, tag: number) => boolean;

/** A ring's slot columns over one buffer (see SLOT_BYTES). */
function slotColumns(capacity: number): { times: Float64Array; links: Uint32Array } {
  const buffer = new ArrayBuffer(capacity * SLOT_BYTES);
  return { times: new Float64Array(buffer), links: new Uint32Array(buffer) };
}

/** A slot array filled by pushing: `new Array(n)` of more than 100,000 would be a slow dictionary-mode array. */
function emptySlots(capacity: number): Array<SequencedEvent | undefined> {
  const slots: Array<SequencedEvent | undefined> = [];
  for (let index = 0; index < capacity; index += 1) slots.push(undefined);
  return slots;
}

/**
 * The window's events by sequence number, each held once, in a ring that grows by doubling.
 * Every index is a chain through the ring: an event stores, per chain, how many sequence
 * numbers back the previous event of the same key is (a Uint32 column), and the index keeps
 * only each key's newest sequence number. Walking a chain from its head gives the key's
 * events newest first, as the per-key arrays did, with no per-key array, no object reference
 * per index entry and nothing to trim when an event leaves: a link that points before the
 * oldest live event ends the chain.
 */
export class EventRing {
  private items = emptySlots(INITIAL_CAPACITY);
  /** Event time (epoch ms) per slot, at `slot * TIME_STRIDE`: chains are walked by time without touching the events. */
  private times: Float64Array;
  /** A slot's links at `slot * LINK_STRIDE + LINK_OFFSET + chain`, in the same buffer as its time. */
  private links: Uint32Array;
  private mask = INITIAL_CAPACITY - 1;
  /** Oldest live sequence number. */
  private head = 0;
  /** Next sequence number to hand out. */
  private tail = 0;
  /** Latest time pushed so far. */
  private latest = Number.NEGATIVE_INFINITY;
  /** The newest sequence number pushed with a time before one pushed earlier (-1: none yet). */
  private disorder = -1;

  constructor() {
    ({ times: this.times, links: this.links } = slotColumns(INITIAL_CAPACITY));
  }

  /** Oldest sequence number still in the window (`next` when empty). */
  get first(): number {
    return this.head;
  }

  get next(): number {
    return this.tail;
  }

  get length(): number {
    return this.tail - this.head;
  }

  /** Slots allocated (for memory accounting): a power of two, at least the live count. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Appends an event under the next sequence number, which it must carry as `seq`; its tag is 0 until `setTag`. */
  push(event: SequencedEvent): void {
    if (event.seq !== this.tail) throw new Error(`EventRing.push: expected seq ${this.tail}, got ${event.seq}`);
    if (this.tail - this.head > this.mask) this.grow();
    const slot = this.tail & this.mask;
    this.items[slot] = event;
    this.times[slot * TIME_STRIDE] = event.at;
    if (event.at < this.latest) this.disorder = event.seq;
    else this.latest = event.at;
    const links = slot * LINK_STRIDE + LINK_OFFSET;
    this.links.fill(0, links, links + CHAINS);
    this.links[slot * LINK_STRIDE + TAG_OFFSET] = 0;
    this.tail += 1;
  }

  /** Sets live event `seq`'s tag: a Uint32 kept beside its time (see TAG_OFFSET). */
  setTag(seq: number, tag: number): void {
    this.links[(seq & this.mask) * LINK_STRIDE + TAG_OFFSET] = tag;
  }

  /** Links live event `seq` on `chain` to the key's previous newest event `previous` (-1 or any evicted seq for none). */
  link(seq: number, chain: number, previous: number): void {
    const delta = previous >= this.head && previous < seq ? seq - previous : 0;
    this.links[(seq & this.mask) * LINK_STRIDE + LINK_OFFSET + chain] = delta;
  }

  /** The oldest live event, or undefined when empty. */
  oldest(): SequencedEvent | undefined {
    return this.head < this.tail ? this.items[this.head & this.mask] : undefined;
  }

  /** Drops the oldest live event. */
  shift(): void {
    if (this.head >= this.tail) return;
    this.items[this.head & this.mask] = undefined;
    this.head += 1;
  }

  get(seq: number): SequencedEvent | undefined {
    return seq >= this.head && seq < this.tail ? this.items[seq & this.mask] : undefined;
  }

  /**
   * Events of one chain from `newest` back, at or after `since` (epoch ms), oldest first: only
   * live ones (seq >= minSeq) and, when given, of the listed types. Scans back until `SLACK_MS`
   * before `since`, tolerating slightly out-of-order arrivals.
   */
  select(newest: number, chain: number, since: number, minSeq: number, types: ReadonlySet<string> | undefined): SequencedEvent[] {
    const result: SequencedEvent[] = [];
    this.walkBack(newest, chain, since, minSeq, types, (item) => result.push(item) > 0);
    return result.reverse();
  }

  /**
   * The events `select` would list, newest first, each handed to `visit` until it returns
   * false. `inOrder` tells the visitor that no event pushed before this one has a later time
   * (every event since the last out-of-order arrival), so walking further back only finds
   * earlier times: a reader after the newest few can stop there.
   */
  walkBack(newest: number, chain: number, since: number, minSeq: number, types: ReadonlySet<string> | undefined, visit: (item: SequencedEvent, inOrder: boolean) => boolean): void {
    const floor = since - SLACK_MS;
    const stop = Math.max(minSeq, this.head);
    for (let seq = newest; seq >= stop && seq < this.tail; ) {
      const slot = seq & this.mask;
      const at = this.times[slot * TIME_STRIDE] as number;
      if (at >= since) {
        const item = this.items[slot] as SequencedEvent;
        if ((types === undefined || types.has(item.event.type)) && !visit(item, seq > this.disorder)) return;
      } else if (at < floor) return;
      const delta = this.links[slot * LINK_STRIDE + LINK_OFFSET + chain] as number;
      if (delta === 0) return;
      seq -= delta;
    }
  }

  /**
   * `walkBack` over several chains of one column at once (a key's chains of the types asked
   * for), merged newest first by sequence number: the events `select` would list from each,
   * as one list sorted by arrival, reversed. `newest` (the chains' heads) is used up.
   */
  walkBackMerged(newest: number[], chain: number, since: number, minSeq: number, visit: (item: SequencedEvent, inOrder: boolean) => boolean): void {
    if (newest.length === 1) {
      this.walkBack(newest[0] as number, chain, since, minSeq, undefined, visit);
      return;
    }
    const floor = since - SLACK_MS;
    const stop = Math.max(minSeq, this.head);
    for (;;) {
      let pick = -1;
      let seq = -1;
      for (let index = 0; index < newest.length; index += 1) {
        const candidate = newest[index] as number;
        if (candidate >= stop && candidate < this.tail && candidate > seq) {
          seq = candidate;
          pick = index;
        }
      }
      if (pick < 0) return;
      const slot = seq & this.mask;
      const at = this.times[slot * TIME_STRIDE] as number;
      let next = -1;
      if (at >= since) {
        if (!visit(this.items[slot] as SequencedEvent, seq > this.disorder)) return;
      }
      if (at >= floor) {
        const delta = this.links[slot * LINK_STRIDE + LINK_OFFSET + chain] as number;
        if (delta !== 0) next = seq - delta;
      }
      newest[pick] = next;
    }
  }

  /**
   * One chain's event that `select` would list and `test` accepts, by its time and tag alone:
   * its sequence number, -1 for none. The same events as `walkBack` visits (the same stop
   * before `since`). `latest` false: the oldest such event, so across a key's chains the
   * smallest answer is the first event of the merged list that passes. `latest` true: the
   * newest, if newer than `above` (a newer answer from another of the key's chains); the walk
   * stops at the first one accepted, or once past `above`. Only the answer's object is read,
   * by the caller.
   */
  matchOnChain(newest: number, chain: number, since: number, minSeq: number, test: SlotTest, latest: boolean, above = -1): number {
    const floor = since - SLACK_MS;
    const stop = Math.max(minSeq, this.head, above + 1);
    let found = -1;
    for (let seq = newest; seq >= stop && seq < this.tail; ) {
      const slot = seq & this.mask;
      const at = this.times[slot * TIME_STRIDE] as number;
      if (at >= since) {
        if (test(at, this.links[slot * LINK_STRIDE + TAG_OFFSET] as number)) {
          found = seq;
          if (latest) break;
        }
      } else if (at < floor) break;
      const delta = this.links[slot * LINK_STRIDE + LINK_OFFSET + chain] as number;
      if (delta === 0) break;
      seq -= delta;
    }
    return found;
  }

  /**
   * How many of one chain's events `matchOnChain` would test pass `test`: the same walk to
   * the end, counted from the time and tag columns (no event object read).
   */
  countOnChain(newest: number, chain: number, since: number, minSeq: number, test: SlotTest): number {
    const floor = since - SLACK_MS;
    const stop = Math.max(minSeq, this.head);
    let counted = 0;
    for (let seq = newest; seq >= stop && seq < this.tail; ) {
      const slot = seq & this.mask;
      const at = this.times[slot * TIME_STRIDE] as number;
      if (at >= since) {
        if (test(at, this.links[slot * LINK_STRIDE + TAG_OFFSET] as number)) counted += 1;
      } else if (at < floor) break;
      const delta = this.links[slot * LINK_STRIDE + LINK_OFFSET + chain] as number;
      if (delta === 0) break;
      seq -= delta;
    }
    return counted;
  }

  /** Whether no event pushed before `seq` has a later time than it. */
  inOrder(seq: number): boolean {
    return seq > this.disorder;
  }

  /** Whether `select(newest, chain, since, minSeq, undefined)` would find anything, without building the list. */
  hasSince(newest: number, chain: number, since: number, minSeq: number): boolean {
    const floor = since - SLACK_MS;
    const stop = Math.max(minSeq, this.head);
    for (let seq = newest; seq >= stop && seq < this.tail; ) {
      const slot = seq & this.mask;
      const at = this.times[slot * TIME_STRIDE] as number;
      if (at >= since) return true;
      if (at < floor) return false;
      const delta = this.links[slot * LINK_STRIDE + LINK_OFFSET + chain] as number;
      if (delta === 0) return false;
      seq -= delta;
    }
    return false;
  }

  /** Doubles the ring, moving each live event to its slot under the wider mask (links are relative, so they stay). */
  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const mask = capacity - 1;
    const items = emptySlots(capacity);
    const { times, links } = slotColumns(capacity);
    for (let seq = this.head; seq < this.tail; seq += 1) {
      const from = seq & this.mask;
      const to = seq & mask;
      items[to] = this.items[from];
      times[to * TIME_STRIDE] = this.times[from * TIME_STRIDE] as number;
      links.set(this.links.subarray(from * LINK_STRIDE + LINK_OFFSET, from * LINK_STRIDE + TAG_OFFSET + 1), to * LINK_STRIDE + LINK_OFFSET);
    }
    this.items = items;
    this.times = times;
    this.links = links;
    this.mask = mask;
  }
}

import type { IndexedEvent } from '@tapio/domain';
import type { PatternMatch } from '../patterns/pattern-matcher.js';
import { ReleaseHeap } from './release-heap.js';

/** A match of a pattern with `holdFor`, waiting to see whether its trouble clears by itself. */
interface HeldMatch {
  match: PatternMatch;
  /** Event time of the triggering event. */
  triggerAt: number;
  /** Event time at which the match becomes an insight. */
  releaseAt: number;
  /** The triggering event's entity: where a clearing event must happen. */
  entityKey: string | undefined;
  /** One held match per pattern and entity. */
  key: string;
  /** Order of holding, oldest first. */
  seq: number;
}

/** Held matches kept at most by default; beyond, the oldest are released early rather than dropped. */
export const DEFAULT_MAX_HELD = 10_000;

/** Heap entries of matches no longer held, kept at most before the heap is rebuilt. */
const STALE_ENTRIES_KEPT = 1_024;

/**
 * The hold/release scheduler for patterns with `holdFor` (a Service without endpoints
 * during a rollout is normal for seconds): a match waits until its hold ends in event
 * time, unless an event on the same entity clears it (`clearedBy`). Bounded: when full,
 * the oldest held match is released at once, so trouble is reported early, never lost.
 *
 * Every event asks `clear`, so held matches are found by their entity (not by a scan of
 * all of them), and due ones by a heap of release times.
 */
export class HoldQueue {
  /** By key, in the order held (a Map keeps insertion order): the first is the oldest. */
  private readonly held = new Map<string, HeldMatch>();
  private readonly byEntity = new Map<string, HeldMatch[]>();
  private readonly releases = new ReleaseHeap<HeldMatch>();
  private nextSeq = 0;

  constructor(private readonly maxHeld = DEFAULT_MAX_HELD) {}

  get size(): number {
    return this.held.size;
  }

  /**
   * Holds `match` for `holdMs` after its trigger. A repeat of the same trouble (same
   * pattern, same entity) while one is held changes nothing. Returns the oldest held match
   * when the queue overflowed: the caller turns it into an insight now.
   */
  hold(match: PatternMatch, holdMs: number, trigger: IndexedEvent): PatternMatch | undefined {
    const key = `${match.pattern.name}|${trigger.entityKey ?? ''}`;
    if (this.held.has(key)) return undefined;
    const held: HeldMatch = { match, triggerAt: trigger.at, releaseAt: trigger.at + holdMs, entityKey: trigger.entityKey, key, seq: this.nextSeq++ };
    this.held.set(key, held);
    if (held.entityKey !== undefined) {
      const onEntity = this.byEntity.get(held.entityKey);
      if (onEntity) onEntity.push(held);
      else this.byEntity.set(held.entityKey, [held]);
    }
    this.releases.push(held);
    // Entries of cleared matches wait in the heap for their time; a trouble that flaps
    // thousands of times within one hold would keep them all, so they are dropped here.
    if (this.releases.size > 2 * this.held.size + STALE_ENTRIES_KEPT) this.releases.rebuild(this.held.values());
    if (this.held.size <= this.maxHeld) return undefined;
    const oldest = this.held.values().next().value!;
    this.remove(oldest);
    return oldest.match;
  }

  /** Drops held matches the event shows have cleared (the Service got its endpoints back). */
  clear(event: IndexedEvent): void {
    if (!event.entityKey) return;
    const onEntity = this.byEntity.get(event.entityKey);
    if (!onEntity) return;
    for (const held of [...onEntity]) {
      if (event.at < held.triggerAt) continue;
      if (held.match.pattern.clearedBy?.(event.event)) this.remove(held);
    }
  }

  /** Removes and returns, oldest first, the matches whose hold ended by `nowMs` (event time). */
  releaseDue(nowMs: number): PatternMatch[] {
    const due: HeldMatch[] = [];
    for (let entry = this.releases.popDue(nowMs); entry; entry = this.releases.popDue(nowMs)) {
      // A heap entry outlives a match cleared or released early: only one still held is due.
      if (this.held.get(entry.key) !== entry) continue;
      this.remove(entry);
      due.push(entry);
    }
    if (due.length > 1) due.sort((a, b) => a.seq - b.seq);
    return due.map((held) => held.match);
  }

  private remove(held: HeldMatch): void {
    this.held.delete(held.key);
    if (held.entityKey === undefined) return;
    const onEntity = this.byEntity.get(held.entityKey);
    if (!onEntity) return;
    const at = onEntity.indexOf(held);
    if (at >= 0) onEntity.splice(at, 1);
    if (onEntity.length === 0) this.byEntity.delete(held.entityKey);
  }
}

import type { IndexedEvent } from '@tapio/domain';
import type { PatternMatch } from '../patterns/pattern-matcher.js';

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
}

/** Held matches kept at most by default; beyond, the oldest are released early rather than dropped. */
export const DEFAULT_MAX_HELD = 10_000;

/**
 * The hold/release scheduler for patterns with `holdFor` (a Service without endpoints
 * during a rollout is normal for seconds): a match waits until its hold ends in event
 * time, unless an event on the same entity clears it (`clearedBy`). Bounded: when full,
 * the oldest held match is released at once, so trouble is reported early, never lost.
 */
export class HoldQueue {
  private held: HeldMatch[] = [];
  private readonly keys = new Set<string>();

  constructor(private readonly maxHeld = DEFAULT_MAX_HELD) {}

  get size(): number {
    return this.held.length;
  }

  /**
   * Holds `match` for `holdMs` after its trigger. A repeat of the same trouble (same
   * pattern, same entity) while one is held changes nothing. Returns the oldest held match
   * when the queue overflowed: the caller turns it into an insight now.
   */
  hold(match: PatternMatch, holdMs: number, trigger: IndexedEvent): PatternMatch | undefined {
    const key = `${match.pattern.name}|${trigger.entityKey ?? ''}`;
    if (this.keys.has(key)) return undefined;
    this.keys.add(key);
    this.held.push({ match, triggerAt: trigger.at, releaseAt: trigger.at + holdMs, entityKey: trigger.entityKey, key });
    if (this.held.length <= this.maxHeld) return undefined;
    const oldest = this.held.shift();
    if (!oldest) return undefined;
    this.keys.delete(oldest.key);
    return oldest.match;
  }

  /** Drops held matches the event shows have cleared (the Service got its endpoints back). */
  clear(event: IndexedEvent): void {
    if (!event.entityKey || this.held.length === 0) return;
    this.held = this.held.filter((held) => {
      if (held.entityKey !== event.entityKey || event.at < held.triggerAt) return true;
      if (!held.match.pattern.clearedBy?.(event.event)) return true;
      this.keys.delete(held.key);
      return false;
    });
  }

  /** Removes and returns, oldest first, the matches whose hold ended by `nowMs` (event time). */
  releaseDue(nowMs: number): PatternMatch[] {
    if (!this.held.some((held) => held.releaseAt <= nowMs)) return [];
    const due = this.held.filter((held) => held.releaseAt <= nowMs);
    this.held = this.held.filter((held) => held.releaseAt > nowMs);
    for (const held of due) this.keys.delete(held.key);
    return due.map((held) => held.match);
  }
}

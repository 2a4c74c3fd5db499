/** Earlier occurrences of one pattern on one root cause. */
export interface Occurrences {
  /** When the newest earlier incidents started, oldest first (at most `maxTimesPerKey`). */
  times: readonly string[];
  /** How many earlier incidents there were, all of them counted. */
  count: number;
}

export interface OccurrenceHistoryLimits {
  /** Start times kept per pattern and root; the count stays exact beyond. */
  maxTimesPerKey?: number;
  /** Pattern-and-root pairs remembered; the one updated longest ago is forgotten first. */
  maxKeys?: number;
}

export const DEFAULT_MAX_TIMES_PER_KEY = 20;
export const DEFAULT_MAX_HISTORY_KEYS = 10_000;

const NONE: Occurrences = { times: [], count: 0 };

/**
 * "The same thing happened three days ago": when each pattern found each root cause
 * before. It outlives the engine's window by design, so it is bounded by counts instead:
 * the newest start times per pair, and the most recently updated pairs.
 */
export class OccurrenceHistory {
  private readonly entries = new Map<string, { times: string[]; count: number }>();
  private readonly maxTimesPerKey: number;
  private readonly maxKeys: number;

  constructor(limits: OccurrenceHistoryLimits = {}) {
    this.maxTimesPerKey = Math.max(1, limits.maxTimesPerKey ?? DEFAULT_MAX_TIMES_PER_KEY);
    this.maxKeys = Math.max(1, limits.maxKeys ?? DEFAULT_MAX_HISTORY_KEYS);
  }

  /** The earlier occurrences of `pattern` on `rootKey` (a copy: later records do not change it). */
  of(pattern: string, rootKey: string): Occurrences {
    const entry = this.entries.get(`${pattern}|${rootKey}`);
    return entry ? { times: [...entry.times], count: entry.count } : NONE;
  }

  /** Records that an incident of `pattern` on `rootKey` started at `firstSeen` and is over. */
  record(pattern: string, rootKey: string, firstSeen: string): void {
    const key = `${pattern}|${rootKey}`;
    const entry = this.entries.get(key) ?? { times: [], count: 0 };
    // Re-inserted: the map's order is the order of the last update.
    this.entries.delete(key);
    entry.times.push(firstSeen);
    if (entry.times.length > this.maxTimesPerKey) entry.times.splice(0, entry.times.length - this.maxTimesPerKey);
    entry.count += 1;
    this.entries.set(key, entry);
    if (this.entries.size > this.maxKeys) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Pattern-and-root pairs remembered. */
  get size(): number {
    return this.entries.size;
  }
}

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

interface Entry {
  /** The newest occurrences, oldest first, each with its incident id when known. */
  recent: Array<{ at: string; id: string | undefined }>;
  count: number;
}

/**
 * "The same thing happened three days ago": when each pattern found each root cause
 * before. It outlives the engine's window by design, so it is bounded by counts instead:
 * the newest start times per pair, and the most recently updated pairs. Occurrences are
 * known by their incident id when they have one: an incident recorded twice (closed in
 * this run and loaded from the graph at the next start) counts once, and an incident is
 * never its own previous occurrence.
 */
export class OccurrenceHistory {
  private readonly entries = new Map<string, Entry>();
  private readonly maxTimesPerKey: number;
  private readonly maxKeys: number;

  constructor(limits: OccurrenceHistoryLimits = {}) {
    this.maxTimesPerKey = Math.max(1, limits.maxTimesPerKey ?? DEFAULT_MAX_TIMES_PER_KEY);
    this.maxKeys = Math.max(1, limits.maxKeys ?? DEFAULT_MAX_HISTORY_KEYS);
  }

  /** The earlier occurrences of `pattern` on `rootKey`, leaving out incident `excludeId` (a copy: later records do not change it). */
  of(pattern: string, rootKey: string, excludeId?: string): Occurrences {
    const entry = this.entries.get(`${pattern}|${rootKey}`);
    if (!entry) return NONE;
    const own = excludeId !== undefined && entry.recent.some((item) => item.id === excludeId);
    return { times: entry.recent.filter((item) => !own || item.id !== excludeId).map((item) => item.at), count: entry.count - (own ? 1 : 0) };
  }

  /** Records that incident `incidentId` of `pattern` on `rootKey` started at `firstSeen` and is over. */
  record(pattern: string, rootKey: string, firstSeen: string, incidentId?: string): void {
    const key = `${pattern}|${rootKey}`;
    const entry = this.entries.get(key) ?? { recent: [], count: 0 };
    if (incidentId !== undefined && entry.recent.some((item) => item.id === incidentId)) return;
    // Re-inserted: the map's order is the order of the last update.
    this.entries.delete(key);
    entry.recent.push({ at: firstSeen, id: incidentId });
    // Occurrences loaded from the graph arrive in any order.
    entry.recent.sort((a, b) => a.at.localeCompare(b.at));
    if (entry.recent.length > this.maxTimesPerKey) entry.recent.splice(0, entry.recent.length - this.maxTimesPerKey);
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

/**
 * What a stateful transformer remembers of each object: its last few versions, each with
 * the RawEvent that brought it, ordered by resourceVersion. Keeping versions (not just the
 * newest) and the RawEvent of each is what makes a transform repeatable:
 *
 * - a RawEvent delivered again (a bus redelivering after a crash, a write-ahead log replayed)
 *   is compared with the version before its own, so it derives the same events with the same
 *   ids, which the bus and the graph then store once;
 * - a RawEvent delivered late (after a newer version of its object) is compared with the
 *   version before it, not with the newer one;
 * - another RawEvent of a version already seen (a relist) is compared with that version: no change.
 *
 * On a durable bus a RawEvent can come again after any number of newer versions of its
 * object (a killed process's unacknowledged messages are redelivered after `ack_wait`, while
 * the restarted one goes on with newer ones). So a version is dropped beyond the depth only
 * once the RawEvent of the version after it is settled (acknowledged, never delivered
 * again): until then that RawEvent, or one between the two that this process never saw, may
 * still come and needs this version to be diffed against.
 *
 * The state is plain JSON, so it can be written to a durable store (`changes()` after each
 * transform) and read back after a restart (`restore`). A deleted object leaves a tombstone
 * (its versions ending in `null`) so a late version of it is not taken for a new object; the
 * oldest tombstones are forgotten beyond `maxTombstones`.
 */

/** One remembered version: resourceVersion (when the object had one), RawEvent token, state after it (null: deleted). */
export interface Version<T> {
  rv?: string;
  raw: string;
  state: T | null;
  /** The first version ever recorded of the object (nothing was before it). */
  first?: true;
  /** The RawEvent's position on the durable bus (its stream sequence), when it came from one. */
  seq?: number;
}

/**
 * Where a RawEvent stands on a durable bus: its `sequence`, and `settled`, the sequence up
 * to which every RawEvent of the subscription is acknowledged (none will be delivered again).
 */
export interface BusPosition {
  sequence: number;
  settled: number;
}

export interface VersionLookup<T> {
  /** The state to compare with; undefined: never seen. null: the object was deleted. */
  previous: T | null | undefined;
  /**
   * new: record the state after it; replay: its state is already recorded; same: a version
   * already seen; forgotten: delivered again after the version before it was dropped
   * (beyond the depth kept), or older than every version kept: a version is dropped only
   * once the version after it is settled, so this RawEvent was handled and acknowledged
   * before (it is a copy published again): its events are stored, derive nothing.
   */
  kind: 'new' | 'replay' | 'same' | 'forgotten';
  position: number;
}

/** A non-empty string of the digits 0-9 only (what `/^\d+$/` accepts), without a regular expression: runs per watch event. */
function isDecimal(text: string): boolean {
  if (text.length === 0) return false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Compares resourceVersions that are decimal numbers (what every Kubernetes API server gives); undefined otherwise. */
function compareVersions(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined || !isDecimal(a) || !isDecimal(b)) return undefined;
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

export class VersionMemory<T> {
  private readonly versions = new Map<string, Version<T>[]>();
  /** Deleted objects' keys, oldest first (a Map keeps insertion order). */
  private readonly tombstones = new Map<string, true>();
  private readonly dirty = new Set<string>();
  /** Changes are tracked only once a durable store took over the state (restore was called). */
  private tracking = false;

  constructor(
    private readonly depth = 3,
    private readonly maxTombstones = 2_000,
    private readonly maxVersions = 256,
  ) {}

  get size(): number {
    return this.versions.size;
  }

  has(key: string): boolean {
    return this.versions.has(key);
  }

  /**
   * Where a version of `key` brought by RawEvent `raw` stands among those remembered.
   * `deletion`: the RawEvent deletes the object. A deletion carrying the resourceVersion of
   * the live version last seen (recordings and generators write it so; the API server gives
   * the deletion's own) is the newest version, not one already seen: taken for a relist, it
   * left the object live in memory for good, with no tombstone to bound it.
   */
  lookup(key: string, rv: string | undefined, raw: string, deletion = false): VersionLookup<T> {
    const history = this.versions.get(key);
    if (!history) return { previous: undefined, kind: 'new', position: 0 };
    // One pass (a few versions): the first version brought by this RawEvent, else the first with its resourceVersion.
    let replayed = -1;
    let same = -1;
    for (let index = 0; index < history.length; index += 1) {
      const version = history[index] as Version<T>;
      // A RawEvent's token digests its resourceVersion: a version with another one was not brought by it
      // (its token need not be read: the usual case, the next version, compares no token at all).
      if (rv !== undefined && version.rv !== rv) continue;
      if (version.raw === raw) {
        replayed = index;
        break;
      }
      if (same < 0 && rv !== undefined) same = index;
    }
    if (replayed > 0) return { previous: (history[replayed - 1] as Version<T>).state, kind: 'replay', position: replayed };
    if (replayed === 0) return { previous: undefined, kind: (history[0] as Version<T>).first ? 'replay' : 'forgotten', position: 0 };
    if (rv !== undefined) {
      const last = history.length - 1;
      if (deletion && same === last && (history[last] as Version<T>).state !== null) return { previous: (history[last] as Version<T>).state, kind: 'new', position: history.length };
      if (same >= 0) return { previous: (history[same] as Version<T>).state, kind: 'same', position: same };
    }
    // Newest first from the end: the usual case (the next version) costs one comparison.
    let position = history.length;
    while (position > 0 && (compareVersions(rv, history[position - 1]?.rv) ?? 1) < 0) position -= 1;
    if (position === 0 && !(history[0] as Version<T>).first) return { previous: undefined, kind: 'forgotten', position: 0 };
    return { previous: position > 0 ? (history[position - 1] as Version<T>).state : undefined, kind: 'new', position };
  }

  /**
   * Records the state after a version found `new` by `lookup` (null: the object was deleted).
   * `position`: where its RawEvent stands on a durable bus (see BusPosition).
   */
  record(key: string, lookup: VersionLookup<T>, rv: string | undefined, raw: string, state: T | null, position?: BusPosition): void {
    if (lookup.kind !== 'new') return;
    const known = this.versions.get(key);
    // Built field by field in the order the durable store's JSON has them (rv, raw, state, first, seq), without spreads.
    const version: Version<T> = rv !== undefined ? { rv, raw, state } : { raw, state };
    if (!known) version.first = true;
    if (position) version.seq = position.sequence;
    const history = known ?? [];
    if (lookup.position >= history.length) history.push(version);
    else history.splice(lookup.position, 0, version);
    this.trim(history, position?.settled);
    if (!known) this.versions.set(key, history);
    if (this.tracking) this.dirty.add(key);
    if (history[history.length - 1]?.state === null) this.tombstone(key);
    else this.tombstones.delete(key);
  }

  /**
   * Drops the oldest versions beyond the depth, but not one whose next version's RawEvent is
   * not settled yet (it may be delivered again, or one before it never seen here may come).
   * Versions without a bus position (a single process, a write-ahead log replayed in order)
   * are dropped by depth alone; `maxVersions` bounds an object whose bus never settles.
   */
  private trim(history: Version<T>[], settled: number | undefined): void {
    let drop = 0;
    while (history.length - drop > this.depth) {
      const next = history[drop + 1] as Version<T>;
      const unsettled = settled !== undefined && next.seq !== undefined && next.seq > settled;
      if (unsettled && history.length - drop <= this.maxVersions) break;
      drop += 1;
    }
    if (drop === 1) history.shift();
    else if (drop > 1) history.splice(0, drop);
  }

  /** The newest state of `key` (null when deleted). */
  latest(key: string): T | null | undefined {
    const history = this.versions.get(key);
    return history ? history[history.length - 1]?.state : undefined;
  }

  private tombstone(key: string): void {
    this.tombstones.delete(key);
    this.tombstones.set(key, true);
    for (const oldest of this.tombstones.keys()) {
      if (this.tombstones.size <= this.maxTombstones) break;
      this.tombstones.delete(oldest);
      this.versions.delete(oldest);
      if (this.tracking) this.dirty.add(oldest);
    }
  }

  /** Keys changed since the last call, each with its versions now (undefined: forgotten). */
  changes(): Array<[string, Version<T>[] | undefined]> {
    const changed: Array<[string, Version<T>[] | undefined]> = [];
    for (const key of this.dirty) {
      const history = this.versions.get(key);
      changed.push([key, history ? [...history] : undefined]);
    }
    this.dirty.clear();
    return changed;
  }

  /** From now on, changes are kept for `changes()`: a durable store holds the state. */
  trackChanges(): void {
    this.tracking = true;
  }

  /** Takes the versions a durable store kept (at start, before the first transform). */
  restore(key: string, versions: Version<T>[]): void {
    if (!Array.isArray(versions) || versions.length === 0) return;
    this.versions.set(key, versions);
    if (versions[versions.length - 1]?.state === null) this.tombstone(key);
  }
}

import { changeEntry, entryText, jsonLength, stateMessages, type StateChange, type StateJson } from './state-batches.js';

/**
 * Stores one message's text on the scope's subject; resolves with its stream sequence once
 * stored. `id`: the message's own (the server drops a copy sent again within its duplicate window).
 */
export type SendState = (text: string, id: string) => Promise<number>;

export interface StateLogOptions {
  send: SendState;
  /** Removes the scope's messages stored before `seq` (a complete snapshot starts there). */
  purgeBefore: (seq: number) => Promise<void>;
  /** About how long a message's text may be (the server's max_payload bounds it). */
  maxMessageChars: number;
  /** A snapshot is written once the log since the last one holds more than this many characters... */
  compactAfterChars: number;
  /** ...and more than this many times the live entries' size (so a snapshot costs at most 1/ratio of what the log takes). */
  compactRatio: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Names of this process's snapshots and batches: unique across restarts (time, pid, count). */
let names = 0;
const uniqueName = () => `${Date.now().toString(36)}-${process.pid}-${(names += 1)}`;

/**
 * One scope's state written as a log: at most one batch in flight, every change made
 * meanwhile coalesced by key into the next (the newest value of a key wins, and whoever
 * wrote an older one resolves with it). With one batch in flight, a batch sent again after a
 * timeout is stored before the next one is sent, so the log holds the writes in order.
 * Keeps the live entries' JSON text so it can write a snapshot of them, after which the
 * older messages are purged, and so a batch carries what changed of an array value since the
 * key's last entry (state-batches.ts) rather than all of it.
 */
export class StateLog {
  private readonly live = new Map<string, StateJson>();
  private liveChars = 0;
  private logChars: number;
  private pending = new Map<string, StateJson | undefined>();
  private waiters: Waiter[] = [];
  /** When the batch in flight was sent (none: undefined). */
  private since: number | undefined;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  private snapshotDue: boolean;
  /** Snapshots written, and batches (messages) sent: for tests and health. */
  readonly counters = { batches: 0, snapshots: 0 };

  /**
   * `restored`: the entries read back, and how much log they were read from; `snapshotNow`:
   * write a snapshot with the first batch (the entries came from elsewhere, e.g. the
   * key-value stream this log replaced).
   */
  constructor(
    private readonly options: StateLogOptions,
    restored: ReadonlyMap<string, unknown>,
    restoredLogChars: number,
    snapshotNow = false,
  ) {
    for (const [key, value] of restored) this.setLive(key, Array.isArray(value) ? value.map((element) => JSON.stringify(element) ?? 'null') : JSON.stringify(value));
    this.logChars = restoredLogChars;
    this.snapshotDue = snapshotNow;
  }

  /** The live entries' JSON. */
  entries(): IterableIterator<[string, StateJson]> {
    return this.live.entries();
  }

  /** How long the batch in flight has waited for the server (none: undefined). */
  waitingMs(now = Date.now()): number | undefined {
    return this.since === undefined ? undefined : now - this.since;
  }

  /** Resolves when nothing is waiting to be written or in flight. */
  whenIdle(): Promise<void> {
    if (this.since === undefined && this.waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves once a batch holding these changes (or newer values of their keys) is stored. */
  write(changes: Iterable<StateChange>): Promise<void> {
    for (const [key, json] of changes) this.pending.set(key, json);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      // The writes of one event-loop turn go together.
      if (this.since === undefined && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private setLive(key: string, json: StateJson | undefined): void {
    const before = this.live.get(key);
    if (before !== undefined) this.liveChars -= key.length + jsonLength(before);
    if (json === undefined) this.live.delete(key);
    else {
      this.live.set(key, json);
      this.liveChars += key.length + jsonLength(json);
    }
  }

  /** Every live key's entry with its whole value. */
  private *snapshotEntries(): Iterable<string> {
    for (const [key, json] of this.live) yield entryText(key, json);
  }

  private flush(): void {
    this.scheduled = false;
    if (this.waiters.length === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    const changes = this.pending;
    const waiters = this.waiters;
    this.pending = new Map();
    this.waiters = [];
    // Each key's entry against what the log last took of it (an unchanged value: none).
    const entries: string[] = [];
    for (const [key, json] of changes) {
      const entry = changeEntry(key, this.live.get(key), json);
      if (entry !== undefined) entries.push(entry);
      this.setLive(key, json);
    }
    const { compactAfterChars, compactRatio, maxMessageChars } = this.options;
    const snapshot = this.snapshotDue || (this.logChars > compactAfterChars && this.logChars > compactRatio * this.liveChars);
    const batch = uniqueName();
    const texts = snapshot ? stateMessages(this.snapshotEntries(), maxMessageChars, { snapshot: batch }) : entries.length > 0 ? stateMessages(entries, maxMessageChars, { batch }) : [];
    this.since = Date.now();
    this.counters.batches += texts.length;
    void Promise.all(texts.map((text, part) => this.options.send(text, `${batch}.${part}`)))
      .then(async (seqs) => {
        const chars = texts.reduce((sum, text) => sum + text.length, 0);
        if (!snapshot) {
          this.logChars += chars;
          return;
        }
        this.counters.snapshots += 1;
        this.snapshotDue = false;
        this.logChars = chars;
        // What precedes the snapshot is superseded; a purge that fails leaves it to the next one.
        await this.options.purgeBefore(Math.min(...seqs)).catch(() => undefined);
      })
      .then(
        () => {
          for (const waiter of waiters) waiter.resolve();
        },
        (error: Error) => {
          // Its values stay live here, so the next snapshot holds them; a snapshot is due now.
          this.snapshotDue = true;
          for (const waiter of waiters) waiter.reject(error);
        },
      )
      .finally(() => {
        this.since = undefined;
        this.flush();
      });
  }
}

import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '@tapio/domain';

/**
 * Something that frees memory Tapio can rebuild or do without, losing no accepted event and
 * no stored answer (the engine's older window, caches). Each call is one step; it says what
 * it freed, or undefined when nothing is left.
 */
export interface MemoryRelief {
  shed(): string | undefined;
}

export interface MemoryGuardOptions {
  degradedHeapRatio: number;
  readOnlyHeapRatio: number;
  /** Old space in use / its limit (old-space.ts), garbage included (cheap: read on every check). */
  heapRatio: () => number;
  /** The same right after a full collection: what is live (costs a full GC). */
  liveHeapRatio: () => number;
  reliefs: () => readonly MemoryRelief[];
  /** What the state Tapio keeps holds now (resources, events), to say why read-only cannot end by itself. */
  held: () => string;
  /** How often a read-only process measures its live heap again (and sheds one more step). */
  recheckMs: number;
  /**
   * Wall time, read when a shedding step has ended: the next interval starts then (a full
   * collection and a shedding step under load can take seconds, which would otherwise
   * shorten read-only to less than an interval). Without it a step takes no time.
   */
  clock?: () => number;
  logger?: Logger | undefined;
}

/** What memory says about the running mode. `held`: read-only that nothing running while read-only can end. */
export type MemoryVerdict = { mode: 'normal' } | { mode: 'degraded' | 'read-only'; reason: string; held: boolean };

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

let collect: (() => void) | undefined;
/** A full garbage collection: `gc` from a context made after exposing it (no --expose-gc needed on the command line). */
function fullCollection(): void {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
}

/** The live heap's share of the limit: a full collection, then the heap in use. */
export function measureLiveHeap(heapRatio: () => number): number {
  fullCollection();
  return heapRatio();
}

/**
 * Calls `seen` after each full collection V8 runs by itself (a PerformanceObserver of 'gc'
 * entries). The callback runs later than the collection (after the task that was running),
 * so the heap in use then is at least the live heap, and more by what was allocated since.
 */
export function watchMajorCollections(seen: () => void): () => void {
  const observer = new PerformanceObserver((list) => {
    if (list.getEntries().some((entry) => (entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) seen();
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

/**
 * Memory's say in the running mode, decided on the live heap (after a full collection:
 * garbage alone never makes Tapio degraded or read-only, nor keeps it so), measured only
 * while the heap in use is above the degraded threshold. The mode gets worse only on a
 * measurement of ours; V8's own collections, free, can only show it no worse. Read-only,
 * once entered, sheds what the reliefs can free, one step per `recheckMs`, until the live
 * heap is below the degraded threshold (hysteresis: it does not flap at one threshold) or
 * nothing is left to shed; then it says that what remains is state Tapio keeps, which cannot
 * fall while no event is taken (the deletions that would free it wait on the bus too), and
 * measures again at a sixth of the pace (pressure that passes on its own still ends it).
 */
export class MemoryGuard {
  private readOnly: { live: number; shed: string[]; held: boolean; checkedAt: number } | undefined;
  /** The live heap's share as last known (measured by us, or shown by one of V8's collections), and when. */
  private live = 0;
  private measuredAt = Number.NEGATIVE_INFINITY;
  /** When we last measured (a full collection of ours). */
  private ownAt = Number.NEGATIVE_INFINITY;
  /** The heap one of V8's collections showed when it meant a worse mode than the live heap last known: ours confirms it or not. */
  private risen: number | undefined;

  constructor(private readonly options: MemoryGuardOptions) {}

  /**
   * V8 ran a full collection by itself; `inUse` is the heap in use when we heard of it: at
   * least the live heap, so a free measurement when it means no worse a mode than the live
   * heap last known. A worse one may be what was allocated since: garbage (under load, a
   * whole window of events evicted after the collection) would make Tapio degraded for
   * intervals, and a process that then goes quiet runs no collection to undo it. It is
   * confirmed by a measurement of ours first (check).
   */
  collected(now: number, inUse: number): void {
    if (this.readOnly) return;
    if (this.level(inUse) > this.level(this.live)) {
      this.risen = inUse;
      return;
    }
    this.live = inUse;
    this.measuredAt = now;
    this.risen = undefined;
  }

  /** 0 normal, 1 degraded, 2 read-only: what a live heap of this share means. */
  private level(ratio: number): number {
    if (ratio >= this.options.readOnlyHeapRatio) return 2;
    return ratio >= this.options.degradedHeapRatio ? 1 : 0;
  }

  private measure(now: number): void {
    this.live = this.options.liveHeapRatio();
    this.measuredAt = now;
    this.ownAt = now;
    this.risen = undefined;
  }

  /** Leaves read-only below this live share: the degraded threshold, or a tenth under read-only's when degraded is not below it. */
  private get exitRatio(): number {
    const { degradedHeapRatio, readOnlyHeapRatio } = this.options;
    return degradedHeapRatio < readOnlyHeapRatio ? degradedHeapRatio : readOnlyHeapRatio * 0.9;
  }

  check(now: number): MemoryVerdict {
    if (this.readOnly) return this.whileReadOnly(now);
    const { degradedHeapRatio, readOnlyHeapRatio, recheckMs } = this.options;
    // The live heap is at most the heap in use: under both thresholds nothing needs measuring.
    const ratio = this.options.heapRatio();
    if (ratio < Math.min(degradedHeapRatio, readOnlyHeapRatio)) return { mode: 'normal' };
    // Above it, the live heap decides (garbage alone neither degrades Tapio nor keeps it degraded),
    // as last known: measured again when that is older than a recheck interval near read-only,
    // six intervals below, or when one of V8's collections showed worse (`collected`): at once
    // if it showed read-only, otherwise a recheck interval after our last (each costs a full collection).
    const stale = now - this.measuredAt >= (ratio >= readOnlyHeapRatio ? 1 : 6) * recheckMs;
    const unconfirmed = this.risen !== undefined && (this.risen >= readOnlyHeapRatio || now - this.ownAt >= recheckMs);
    if (stale || unconfirmed) this.measure(now);
    if (this.live >= readOnlyHeapRatio) return this.enter(now, this.live);
    if (this.live >= degradedHeapRatio) return { mode: 'degraded', reason: `memory: ${percent(this.live)} of the old-space limit live (predictions skipped from ${percent(degradedHeapRatio)})`, held: false };
    return { mode: 'normal' };
  }

  private enter(now: number, live: number): MemoryVerdict {
    const state = { live, shed: [] as string[], held: false, checkedAt: now };
    this.readOnly = state;
    this.shedStep(state);
    this.options.logger?.warn({ liveHeapRatio: Number(live.toFixed(3)), shed: state.shed, held: state.held }, `read-only by memory: ${this.reason(state)}`);
    state.checkedAt = this.stepEnded(now);
    return this.verdict(state);
  }

  private whileReadOnly(now: number): MemoryVerdict {
    const state = this.readOnly as NonNullable<MemoryGuard['readOnly']>;
    if (now - state.checkedAt < (state.held ? 6 : 1) * this.options.recheckMs) return this.verdict(state);
    state.live = this.options.liveHeapRatio();
    if (state.live < this.exitRatio) {
      this.readOnly = undefined;
      this.live = state.live;
      this.measuredAt = now;
      this.ownAt = now;
      this.options.logger?.info({ liveHeapRatio: Number(state.live.toFixed(3)), shed: state.shed }, `read-only by memory ended: ${percent(state.live)} of the old-space limit live (below ${percent(this.exitRatio)}) after shedding ${state.shed.join('; ') || 'nothing'}`);
      // Live below the exit ratio, which is at or below the degraded threshold: normal.
      return { mode: 'normal' };
    }
    if (!state.held) {
      this.shedStep(state);
      if (state.held) this.options.logger?.warn({ liveHeapRatio: Number(state.live.toFixed(3)), shed: state.shed }, `read-only by memory stays: ${this.reason(state)}`);
    }
    state.checkedAt = this.stepEnded(now);
    return this.verdict(state);
  }

  /** When a step begun at `now` ended: the next interval is counted from there. */
  private stepEnded(now: number): number {
    return Math.max(now, this.options.clock?.() ?? now);
  }

  /** One step of every relief; held when none had anything left. */
  private shedStep(state: NonNullable<MemoryGuard['readOnly']>): void {
    const freed = this.options.reliefs().map((relief) => relief.shed()).filter((what): what is string => what !== undefined);
    if (freed.length) state.shed.push(...freed);
    else state.held = true;
  }

  private verdict(state: NonNullable<MemoryGuard['readOnly']>): MemoryVerdict {
    return { mode: 'read-only', reason: this.reason(state), held: state.held };
  }

  private reason(state: NonNullable<MemoryGuard['readOnly']>): string {
    const { readOnlyHeapRatio, recheckMs } = this.options;
    const live = `memory: ${percent(state.live)} of the old-space limit live after a full collection (read-only from ${percent(readOnlyHeapRatio)}, until below ${percent(this.exitRatio)})`;
    const shed = state.shed.length ? `shed: ${state.shed.join('; ')}` : 'nothing Tapio can shed';
    if (!state.held) return `${live}; ${shed}; measured again every ${recheckMs / 1000} s`;
    return (
      `${live}; ${shed}, and nothing more can go: the rest is state Tapio keeps for correct answers (${this.options.held()}), ` +
      'which cannot fall while no event is taken (deletions wait on the bus too): read-only lasts until Tapio gets more memory ' +
      '(the container limit, --max-old-space-size) or smaller bounds (graph.memory.maxEvents, correlation.maxEvents); ' +
      `measured again every ${(6 * recheckMs) / 1000} s`
    );
  }
}

import { describe, expect, it } from 'vitest';
import { MemoryGuard, type MemoryRelief } from './memory-guard.js';

/** A heap whose live part falls by what each shedding step frees; garbage comes on top of it. */
function pressure(options: { live: number; garbage?: number; freedPerStep?: number; steps?: number }) {
  const heap = { live: options.live, garbage: options.garbage ?? 0, collections: 0, shed: 0 };
  const relief: MemoryRelief = {
    shed() {
      if (heap.shed >= (options.steps ?? 3)) return undefined;
      heap.shed += 1;
      heap.live -= options.freedPerStep ?? 0.1;
      return `step ${heap.shed}`;
    },
  };
  const guard = new MemoryGuard({
    degradedHeapRatio: 0.5,
    readOnlyHeapRatio: 0.7,
    heapRatio: () => heap.live + heap.garbage,
    liveHeapRatio: () => {
      heap.collections += 1;
      heap.garbage = 0;
      return heap.live;
    },
    reliefs: () => [relief],
    held: () => 'graph 9,000 resources',
    recheckMs: 5_000,
  });
  return { heap, guard };
}

describe('MemoryGuard: read-only by memory sheds what it can and ends by itself, or says why not', () => {
  it('garbage alone does not make it read-only or keep it degraded: the live heap decides, measured at most once per interval', () => {
    const { heap, guard } = pressure({ live: 0.55, garbage: 0.3 });
    expect(guard.check(0)).toMatchObject({ mode: 'degraded', reason: 'memory: 55% of the old-space limit live (predictions skipped from 50%)' });
    expect(heap.collections).toBe(1);
    heap.garbage = 0.3;
    expect(guard.check(1_000).mode).toBe('degraded');
    expect(heap.collections).toBe(1);
    // Between the thresholds, measured six times less often: the live heap fell under degraded's, garbage did not.
    heap.live = 0.4;
    heap.garbage = 0.2;
    expect(guard.check(29_000).mode).toBe('degraded');
    expect(guard.check(30_000)).toEqual({ mode: 'normal' });
    expect(heap.collections).toBe(2);
    heap.garbage = 0;
    expect(guard.check(31_000)).toEqual({ mode: 'normal' });
  });

  it('live pressure: read-only, one shedding step per interval until the live heap is under the degraded threshold (hysteresis), then normal', () => {
    const { heap, guard } = pressure({ live: 0.75, freedPerStep: 0.1 });
    const entered = guard.check(0);
    expect(entered).toMatchObject({ mode: 'read-only', held: false });
    expect(entered.mode !== 'normal' && entered.reason).toBe('memory: 75% of the old-space limit live after a full collection (read-only from 70%, until below 50%); shed: step 1; measured again every 5 s');
    expect(heap.shed).toBe(1);
    // Before the interval: the same verdict, no collection, no step.
    expect(guard.check(4_000).mode).toBe('read-only');
    expect(heap.shed).toBe(1);
    // 65% live: under read-only's threshold but not under degraded's: stays read-only and sheds again.
    expect(guard.check(5_000)).toMatchObject({ mode: 'read-only', held: false });
    expect(heap.shed).toBe(2);
    // 55%: again.
    expect(guard.check(10_000).mode).toBe('read-only');
    expect(heap.shed).toBe(3);
    // 45%: it ends by itself.
    expect(guard.check(15_000)).toEqual({ mode: 'normal' });
    expect(heap.live).toBeCloseTo(0.45);
  });

  it('with a degraded threshold not below read-only, it leaves read-only a tenth under read-only', () => {
    let live = 0.85;
    const guard = new MemoryGuard({ degradedHeapRatio: 0.9, readOnlyHeapRatio: 0.8, heapRatio: () => live, liveHeapRatio: () => live, reliefs: () => [{ shed: () => 'caches' }], held: () => '', recheckMs: 1_000 });
    expect(guard.check(0).mode).toBe('read-only');
    live = 0.75;
    expect(guard.check(1_000).mode).toBe('read-only');
    live = 0.71;
    expect(guard.check(2_000)).toEqual({ mode: 'normal' });
  });

  it('nothing left to shed: read-only says that the rest is kept state, needing more memory, and measures at a sixth of the pace; pressure that passes still ends it', () => {
    const { heap, guard } = pressure({ live: 0.9, freedPerStep: 0.05, steps: 1 });
    expect(guard.check(0)).toMatchObject({ mode: 'read-only', held: false });
    const held = guard.check(5_000);
    expect(held).toMatchObject({ mode: 'read-only', held: true });
    expect(held.mode !== 'normal' && held.reason).toMatch(
      /^memory: 85% of the old-space limit live after a full collection \(read-only from 70%, until below 50%\); shed: step 1, and nothing more can go: the rest is state Tapio keeps for correct answers \(graph 9,000 resources\), which cannot fall while no event is taken .* read-only lasts until Tapio gets more memory .*; measured again every 30 s$/,
    );
    const collections = heap.collections;
    expect(guard.check(30_000).mode).toBe('read-only');
    expect(heap.collections).toBe(collections);
    // A large read finished: its garbage and buffers are gone.
    heap.live = 0.3;
    expect(guard.check(35_000)).toEqual({ mode: 'normal' });
  });

  it("V8's own collections count when they show no worse a mode (free); a worse one is confirmed by one of ours first, at once near read-only", () => {
    const { heap, guard } = pressure({ live: 0.45, garbage: 0.1 });
    expect(guard.check(0)).toEqual({ mode: 'normal' });
    expect(heap.collections).toBe(1);
    // The callback of V8's collection ran after a window of events was evicted: 52% in use, garbage. Not degraded on its word.
    heap.garbage = 0.07;
    guard.collected(1_000, 0.52);
    expect(guard.check(1_500)).toEqual({ mode: 'normal' });
    expect(heap.collections).toBe(1);
    // A recheck interval after our last measurement, ours decides: garbage, still normal.
    heap.garbage = 0.07;
    expect(guard.check(5_000)).toEqual({ mode: 'normal' });
    expect(heap.collections).toBe(2);
    // The live heap did grow: confirmed, degraded.
    heap.live = 0.55;
    guard.collected(6_000, 0.57);
    expect(guard.check(7_000).mode).toBe('normal');
    expect(guard.check(10_000)).toMatchObject({ mode: 'degraded', reason: 'memory: 55% of the old-space limit live (predictions skipped from 50%)' });
    expect(heap.collections).toBe(3);
    // No worse than degraded: taken as it is, no collection of ours; nor for one that shows normal again.
    guard.collected(11_000, 0.58);
    expect(guard.check(11_500)).toMatchObject({ mode: 'degraded', reason: 'memory: 58% of the old-space limit live (predictions skipped from 50%)' });
    heap.live = 0.44;
    heap.garbage = 0.1;
    guard.collected(12_000, 0.46);
    expect(guard.check(12_500)).toEqual({ mode: 'normal' });
    expect(heap.collections).toBe(3);
    // One that shows read-only is confirmed at once (no interval waited): garbage, then live.
    heap.garbage = 0.3;
    guard.collected(13_000, 0.74);
    expect(guard.check(13_100)).toEqual({ mode: 'normal' });
    expect(heap.collections).toBe(4);
    heap.live = 0.72;
    guard.collected(13_500, 0.73);
    expect(guard.check(13_600).mode).toBe('read-only');
    expect(heap.collections).toBe(5);
  });

  it('an interval counts from the end of its step: a full collection that takes seconds under load does not cut read-only short', () => {
    const time = { now: 0 };
    let live = 0.75;
    const guard = new MemoryGuard({
      degradedHeapRatio: 0.5,
      readOnlyHeapRatio: 0.7,
      heapRatio: () => live,
      // Each full collection takes 2 s of wall time.
      liveHeapRatio: () => ((time.now += 2_000), live),
      reliefs: () => [{ shed: () => ((live -= 0.3), 'half the window') }],
      held: () => '',
      recheckMs: 5_000,
      clock: () => time.now,
    });
    expect(guard.check(time.now).mode).toBe('read-only');
    expect(time.now).toBe(2_000);
    // 5 s after the measurement began, 3 s after read-only was entered: it stays.
    time.now = 5_000;
    expect(guard.check(time.now).mode).toBe('read-only');
    time.now = 7_000;
    expect(guard.check(time.now)).toEqual({ mode: 'normal' });
  });
});

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
    expect(guard.check(0)).toMatchObject({ mode: 'degraded', reason: 'memory: 55% of the heap limit live (predictions skipped from 50%)' });
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
    expect(entered.mode !== 'normal' && entered.reason).toBe('memory: 75% of the heap limit live after a full collection (read-only from 70%, until below 50%); shed: step 1; measured again every 5 s');
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
      /^memory: 85% of the heap limit live after a full collection \(read-only from 70%, until below 50%\); shed: step 1, and nothing more can go: the rest is state Tapio keeps for correct answers \(graph 9,000 resources\), which cannot fall while no event is taken .* read-only lasts until Tapio gets more memory .*; measured again every 30 s$/,
    );
    const collections = heap.collections;
    expect(guard.check(30_000).mode).toBe('read-only');
    expect(heap.collections).toBe(collections);
    // A large read finished: its garbage and buffers are gone.
    heap.live = 0.3;
    expect(guard.check(35_000)).toEqual({ mode: 'normal' });
  });

  it("V8's own full collections count as measurements (none forced while they come), but read-only is entered only on one of its own", () => {
    const { heap, guard } = pressure({ live: 0.6, garbage: 0.05 });
    guard.collected(0, 0.6);
    expect(guard.check(1_000)).toMatchObject({ mode: 'degraded', reason: 'memory: 60% of the heap limit live (predictions skipped from 50%)' });
    expect(heap.collections).toBe(0);
    // V8 saw 75% (with what was allocated since): measured again before going read-only, and it was garbage.
    heap.garbage = 0.15;
    guard.collected(2_000, 0.75);
    expect(guard.check(2_500).mode).toBe('degraded');
    expect(heap.collections).toBe(1);
    heap.live = 0.72;
    guard.collected(3_000, 0.72);
    expect(guard.check(3_500).mode).toBe('read-only');
    expect(heap.collections).toBe(2);
  });
});

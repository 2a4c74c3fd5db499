import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

/** A seeded mulberry32: the same steps every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('RecentIds', () => {
  it('holds only the ids of its window: a steady stream keeps it at the window, not at the count bound', () => {
    let now = 0;
    const recent = new RecentIds(200_000, 120_000, () => now);
    // 100 ids a second for 10 minutes: without the window it would hold 60,000.
    for (let second = 0; second < 600; second += 1) {
      now = second * 1_000;
      for (let n = 0; n < 100; n += 1) expect(recent.add(`${second}-${n}`)).toBe(true);
    }
    expect(recent.size).toBeLessThanOrEqual(121 * 100);
    expect(recent.add('599-0')).toBe(false);
    expect(recent.add('470-0')).toBe(true);
  });

  it('keeps at most its capacity within the window, oldest forgotten first', () => {
    const recent = new RecentIds(3, 60_000, () => 0);
    for (const id of ['a', 'b', 'c', 'd']) recent.add(id);
    expect(recent.size).toBe(3);
    expect(recent.add('b')).toBe(false);
    expect(recent.add('a')).toBe(true);
  });

  it('forgets by the window after its oldest id was remembered again, and with a clock that went back', () => {
    let now = 0;
    const recent = new RecentIds(100, 10, () => now);
    recent.add('a');
    now = 5;
    recent.add('b');
    // 'a' remembered again: 'b' (time 5) is the oldest now; it goes at 15, 'a' (time 8) stays until 18.
    now = 8;
    recent.remember('a');
    now = 14;
    recent.add('c');
    expect(recent.size).toBe(3);
    now = 16;
    recent.add('d');
    expect(recent.size).toBe(3);
    expect(recent.has('b')).toBe(false);
    expect(recent.has('a')).toBe(true);
    // The clock goes back: what is already outside the window relative to the newest time still goes.
    now = 3;
    recent.add('e');
    expect(recent.size).toBe(4);
    now = 26;
    recent.add('f');
    expect(recent.size).toBe(1);
    now = 26;
    recent.add('g');
    expect(recent.size).toBe(2);
    expect(recent.has('f')).toBe(true);
  });

  it('answers as a Map kept in remembering order would, with ids remembered again, expiry, the capacity and a clock that goes back', () => {
    /** The model: insertion order is remembering order; the oldest forgotten while out of the window or beyond the capacity. */
    class Model {
      readonly ids = new Map<string, number>();
      constructor(private readonly capacity: number, private readonly windowMs: number) {}
      has(id: string, now: number): boolean {
        const at = this.ids.get(id);
        return at !== undefined && at > now - this.windowMs;
      }
      remember(id: string, now: number): void {
        this.ids.delete(id);
        this.ids.set(id, now);
        for (const [oldest, seen] of this.ids) {
          if (seen > now - this.windowMs && this.ids.size <= this.capacity) break;
          this.ids.delete(oldest);
        }
      }
    }
    const next = seededRandom(11);
    for (const [capacity, windowMs] of [[50, 1_000], [400, 200], [3, Number.POSITIVE_INFINITY]] as const) {
      let now = 0;
      const recent = new RecentIds(capacity, windowMs, () => now);
      const model = new Model(capacity, windowMs);
      for (let step = 0; step < 30_000; step += 1) {
        now += next() < 0.02 ? -Math.floor(next() * 50) : Math.floor(next() * 3);
        const id = `id-${Math.floor(next() * (next() < 0.5 ? 20 : 2_000))}`;
        if (next() < 0.3) {
          recent.remember(id);
          model.remember(id, now);
        } else {
          const isNew = !model.has(id, now);
          expect(recent.add(id)).toBe(isNew);
          if (isNew) model.remember(id, now);
        }
        expect(recent.size).toBe(model.ids.size);
      }
      for (let id = 0; id < 2_000; id += 1) expect(recent.has(`id-${id}`)).toBe(model.has(`id-${id}`, now));
    }
  });

  it('stays small when one id is remembered again and again while an older one is kept', () => {
    const recent = new RecentIds(10, Number.POSITIVE_INFINITY, () => 0);
    recent.add('kept');
    for (let n = 0; n < 100_000; n += 1) recent.remember('again');
    expect(recent.size).toBe(2);
    // The order of rememberings is compacted: not a place per remembering.
    expect((recent as unknown as { order: string[] }).order.length).toBeLessThan(2_100);
    expect(recent.has('kept')).toBe(true);
  });

  it('remembers each id in constant time at its capacity (a Map drained from its front slowed every remembering)', () => {
    const recent = new RecentIds(200_000, Number.POSITIVE_INFINITY, () => 0);
    for (let n = 0; n < 400_000; n += 1) recent.add(`raw-${n}`);
    expect(recent.size).toBe(200_000);
    expect(recent.has('raw-199999')).toBe(false);
    expect(recent.has('raw-200000')).toBe(true);
  });
});


import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';

describe('seededRandom', () => {
  it('replays the same numbers for the same seed, and others for another', () => {
    const a = seededRandom(17);
    const b = seededRandom(17);
    const c = seededRandom(18);
    const first = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(first);
    expect(Array.from({ length: 50 }, () => c())).not.toEqual(first);
  });

  it('gives numbers in [0, 1) spread over the range, also from a zero seed', () => {
    for (const seed of [0, 1, 42, 2 ** 31 + 5]) {
      const next = seededRandom(seed);
      const values = Array.from({ length: 10_000 }, () => next());
      expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      expect(mean).toBeGreaterThan(0.45);
      expect(mean).toBeLessThan(0.55);
    }
  });

  it('is xorshift32 (13, 17, 5): the streams recorded before it was shared stay the same', () => {
    const next = seededRandom(17);
    expect([next(), next(), next()].map((value) => Math.round(value * 4294967296))).toEqual([4596240, 1150042706, 1409999377]);
  });
});

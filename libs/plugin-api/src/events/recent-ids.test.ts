import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

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
});

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
});

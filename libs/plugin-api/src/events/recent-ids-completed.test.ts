import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

describe('RecentIds as a consumer\'s completed ids (remember, has)', () => {
  it('remembers an id for the window, then forgets it', () => {
    let now = 1_000;
    const ids = new RecentIds(100, 120_000, () => now);
    ids.remember('a');
    expect(ids.has('a')).toBe(true);
    expect(ids.has('b')).toBe(false);
    now += 119_999;
    expect(ids.has('a')).toBe(true);
    now += 1;
    expect(ids.has('a')).toBe(false);
    ids.remember('b');
    expect(ids.size).toBe(1);
  });

  it('keeps at most its limit, forgetting the oldest first', () => {
    const ids = new RecentIds(3, 60_000, () => 0);
    for (const id of ['a', 'b', 'c', 'd']) ids.remember(id);
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    ids.remember('b');
    ids.remember('e');
    expect(['b', 'c', 'd', 'e'].map((id) => ids.has(id))).toEqual([true, false, true, true]);
  });
});

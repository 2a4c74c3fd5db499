import { describe, expect, it } from 'vitest';
import { CompletedIds } from './completed-ids.js';

describe('CompletedIds', () => {
  it('remembers an id for the window, then forgets it', () => {
    let now = 1_000;
    const ids = new CompletedIds(120_000, 100, () => now);
    ids.add('a');
    expect(ids.has('a')).toBe(true);
    expect(ids.has('b')).toBe(false);
    now += 119_999;
    expect(ids.has('a')).toBe(true);
    now += 1;
    expect(ids.has('a')).toBe(false);
    ids.add('b');
    expect(ids.size).toBe(1);
  });

  it('keeps at most its limit, forgetting the oldest first', () => {
    const ids = new CompletedIds(60_000, 3, () => 0);
    for (const id of ['a', 'b', 'c', 'd']) ids.add(id);
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    ids.add('b');
    ids.add('e');
    expect(['b', 'c', 'd', 'e'].map((id) => ids.has(id))).toEqual([true, false, true, true]);
  });
});

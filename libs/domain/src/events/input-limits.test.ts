import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS, nestsDeeperThan, rawEventLimitViolation } from './input-limits.js';

/** An object nested `depth` levels deep (itself level 1), alternating objects and arrays. */
function nested(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let level = 1; level < depth; level += 1) value = level % 2 ? [1, value] : { child: value, other: 'x' };
  return value;
}

describe('nestsDeeperThan', () => {
  it('counts the value itself as level 1 and finds the one deep branch among shallow ones', () => {
    expect(nestsDeeperThan(nested(5), 5)).toBe(false);
    expect(nestsDeeperThan(nested(5), 4)).toBe(true);
    expect(nestsDeeperThan({ a: 1, b: [1, 2], c: { d: nested(10) } }, 12)).toBe(false);
    expect(nestsDeeperThan({ a: 1, b: [1, 2], c: { d: nested(10) } }, 11)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
  });

  it('answers the same by recursion (limits up to 1000) and by its own stack (beyond), at any depth without overflowing', () => {
    const deep = nested(200_000);
    expect(nestsDeeperThan(deep, 1000)).toBe(true);
    expect(nestsDeeperThan(deep, 1001)).toBe(true);
    expect(nestsDeeperThan(nested(1000), 1000)).toBe(false);
    expect(nestsDeeperThan(nested(1001), 1001)).toBe(false);
    expect(nestsDeeperThan(nested(1002), 1001)).toBe(true);
  });
});

describe('rawEventLimitViolation', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');
  const raw = (timestamp: string, data: unknown) => ({ timestamp, type: 't', source: 's', metadata: {}, data });

  it('refuses data deeper than maxDepth and events dated beyond maxFutureSkew, each with its reason', () => {
    expect(rawEventLimitViolation(raw('2026-03-02T10:00:00Z', nested(10)), DEFAULT_INPUT_LIMITS, now)).toBeUndefined();
    expect(rawEventLimitViolation(raw('2026-03-02T10:00:00Z', nested(100)), DEFAULT_INPUT_LIMITS, now)).toMatch(/nests deeper than the limit of 100/);
    expect(rawEventLimitViolation(raw('2026-03-02T10:14:00Z', {}), DEFAULT_INPUT_LIMITS, now)).toBeUndefined();
    expect(rawEventLimitViolation(raw('2026-03-02T10:16:00Z', {}), DEFAULT_INPUT_LIMITS, now)).toMatch(/ahead of this machine's clock/);
    expect(rawEventLimitViolation(raw('2026-03-02T10:16:00Z', {}), { ...DEFAULT_INPUT_LIMITS, maxFutureSkew: '1h' }, now)).toBeUndefined();
  });
});

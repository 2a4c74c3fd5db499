import { describe, expect, it } from 'vitest';
import { depthBoundOfText, knownDepthBound, noteDepthBound, noteDepthFromText, openingBrackets } from './depth-bound.js';
import { nestsDeeperThan } from './input-limits.js';

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) value = level % 2 ? [value] : { a: value };
  return value;
}

describe('depth bound from the parsed text', () => {
  it('counts opening brackets, strings included, and stops past the limit', () => {
    expect(openingBrackets('{"a":[1,{"b":"[{"}]}', 100)).toBe(5);
    expect(openingBrackets('{"a":1}', 100)).toBe(1);
    expect(openingBrackets('1', 100)).toBe(0);
    expect(openingBrackets('[[[[[[[[', 3)).toBe(4);
  });

  it('is never below the real nesting', () => {
    for (const levels of [1, 5, 40]) {
      const text = JSON.stringify(nested(levels));
      expect(openingBrackets(text, 1000)).toBeGreaterThanOrEqual(levels);
      expect(nestsDeeperThan(JSON.parse(text), openingBrackets(text, 1000))).toBe(false);
    }
  });

  it('a noted bound within the limit answers without walking; one above it still walks', () => {
    const deep = nested(30) as object;
    expect(nestsDeeperThan(deep, 10)).toBe(true);
    // A (wrong) bound noted on purpose: taken as said when within the limit, which proves the walk is skipped.
    noteDepthBound(deep, 10);
    expect(nestsDeeperThan(deep, 10)).toBe(false);
    expect(nestsDeeperThan(deep, 9)).toBe(true);
  });

  it('is invisible to serialisation and not carried by copies', () => {
    const value = { a: { b: [1] } };
    noteDepthBound(value, 3);
    expect(knownDepthBound(value)).toBe(3);
    expect(JSON.stringify(value)).toBe('{"a":{"b":[1]}}');
    expect(Object.keys(value)).toEqual(['a']);
    expect(knownDepthBound({ ...value })).toBeUndefined();
    expect(knownDepthBound(structuredClone(value))).toBeUndefined();
    expect(knownDepthBound(value.a)).toBeUndefined();
    // A frozen object cannot be noted: it is walked.
    const frozen = Object.freeze({ a: 1 });
    noteDepthBound(frozen, 1);
    expect(knownDepthBound(frozen)).toBeUndefined();
  });

  it('from a text: the bound when within the limit, less the levels that wrap the value; none past the limit', () => {
    expect(depthBoundOfText('{"a":[1]}', 2)).toBe(2);
    expect(depthBoundOfText('{"a":[[1]]}', 2)).toBeUndefined();
    const text = '{"type":"ADDED","object":{"metadata":{"labels":{}}}}';
    const message = JSON.parse(text) as { object: object };
    expect(noteDepthFromText(message.object, text, 10, 1)).toBe(4);
    expect(knownDepthBound(message.object)).toBe(3);
    const past = JSON.parse(text) as { object: object };
    expect(noteDepthFromText(past.object, text, 3, 1)).toBeUndefined();
    expect(knownDepthBound(past.object)).toBeUndefined();
  });
});

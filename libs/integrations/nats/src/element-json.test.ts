import { describe, expect, it } from 'vitest';
import { ElementJson } from './element-json.js';
import { wholeJson } from './state-batches.js';

describe('ElementJson', () => {
  it('writes what JSON.stringify writes, for arrays and anything else', () => {
    const json = new ElementJson();
    const values: unknown[] = [
      [{ rv: '1', raw: 'a', state: { x: [1, 2] } }, { rv: '2', raw: 'b', state: null, first: true }],
      [],
      [1, 'two', null, undefined, true, [3, { four: 4 }]],
      { a: 1, b: [{ c: 'd' }] },
      'text',
      42,
      null,
    ];
    for (const value of values) expect(wholeJson(json.json(value))).toBe(JSON.stringify(value));
    expect(json.json([{ a: 1 }, 2])).toEqual(['{"a":1}', '2']);
  });

  it('serialises an element once while it is kept, however many writes carry it', () => {
    const json = new ElementJson();
    let reads = 0;
    const version = (rv: string) => ({
      rv,
      get state() {
        reads += 1;
        return { rv };
      },
    });
    const first = version('1');
    const second = version('2');
    expect(wholeJson(json.json([first]))).toBe('[{"rv":"1","state":{"rv":"1"}}]');
    expect(wholeJson(json.json([first, second]))).toBe('[{"rv":"1","state":{"rv":"1"}},{"rv":"2","state":{"rv":"2"}}]');
    expect(wholeJson(json.json([first, second, version('3')]))).toMatch(/^\[.*"rv":"3".*\]$/);
    expect(reads).toBe(3);
  });
});

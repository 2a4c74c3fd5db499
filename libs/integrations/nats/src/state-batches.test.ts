import { describe, expect, it } from 'vitest';
import { foldStateMessages, stateMessages } from './state-batches.js';

describe('state batches', () => {
  it('writes changes as batches of at most about maxChars, a removal as the key alone, and folds them back in order', () => {
    const texts = stateMessages(
      [
        ['a', '{"v":1}'],
        ['b', '[1,2]'],
        ['c', undefined],
        ['d', 'null'],
      ],
      20,
    );
    expect(texts).toEqual(['{"e":[["a",{"v":1}]]}', '{"e":[["b",[1,2]],["c"]]}', '{"e":[["d",null]]}']);
    const base = new Map<string, unknown>([['c', 'old'], ['z', 'from the key-value stream']]);
    expect([...foldStateMessages([...texts, ...stateMessages([['a', '2']], 100)], base)]).toEqual([
      ['z', 'from the key-value stream'],
      ['a', 2],
      ['b', [1, 2]],
      ['d', null],
    ]);
  });

  it('starts from the last complete snapshot: what precedes it (and the base) is dropped, a snapshot cut short counts as a batch', () => {
    const before = stateMessages([['gone', '1'], ['x', '"old"']], 1000);
    const snapshot = stateMessages([['x', '"snap"'], ['y', '"snap"']], 14, 'one');
    expect(snapshot).toHaveLength(2);
    const after = stateMessages([['y', '"after"']], 1000);
    const cutShort = stateMessages([['x', '"cut"'], ['w', '"cut"']], 14, 'two').slice(0, 1);
    // A part sent again after a timeout may be stored twice, after the other part.
    const folded = foldStateMessages([...before, snapshot[1] as string, snapshot[0] as string, snapshot[1] as string, ...after, ...cutShort], new Map([['base', 1]]));
    expect(Object.fromEntries(folded)).toEqual({ x: 'cut', y: 'after' });
    // Without the snapshot's first part it is not complete: the earlier messages and the base stay.
    expect(Object.fromEntries(foldStateMessages([...before, snapshot[1] as string, ...after], new Map([['base', 1]])))).toEqual({ base: 1, gone: 1, x: 'old', y: 'after' });
  });

  it('writes an empty batch or snapshot as one message', () => {
    expect(stateMessages([], 100)).toEqual(['{"e":[]}']);
    expect(stateMessages([], 100, 's')).toEqual(['{"s":"s","p":0,"n":1,"e":[]}']);
    expect(foldStateMessages(stateMessages([], 100, 's'), new Map([['a', 1]])).size).toBe(0);
  });
});

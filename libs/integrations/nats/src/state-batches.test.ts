import { describe, expect, it } from 'vitest';
import { changeEntry, entryText, foldStateMessages, jsonLength, stateMessages, wholeJson } from './state-batches.js';

const batch = (entries: string[], maxChars = 1_000, id = 'b1') => stateMessages(entries, maxChars, { batch: id });

describe('state batches', () => {
  it('writes changes as batches of at most about maxChars, a removal as the key alone, and folds them back in order', () => {
    const texts = batch([entryText('a', '{"v":1}'), entryText('b', ['1', '2']), entryText('c', undefined), entryText('d', 'null')], 20);
    expect(texts).toEqual(['{"b":"b1.0","e":[["a",{"v":1}]]}', '{"b":"b1.1","e":[["b",[1,2]],["c"]]}', '{"b":"b1.2","e":[["d",null]]}']);
    const base = new Map<string, unknown>([['c', 'old'], ['z', 'from the key-value stream']]);
    expect([...foldStateMessages([...texts, ...batch([entryText('a', '2')], 100, 'b2')], base)]).toEqual([
      ['z', 'from the key-value stream'],
      ['a', 2],
      ['b', [1, 2]],
      ['d', null],
    ]);
  });

  it('starts from the last complete snapshot: what precedes it (and the base) is dropped, a snapshot cut short counts as a batch', () => {
    const before = batch([entryText('gone', '1'), entryText('x', '"old"')], 1000, 'before');
    const snapshot = stateMessages([entryText('x', '"snap"'), entryText('y', '"snap"')], 14, { snapshot: 'one' });
    expect(snapshot).toHaveLength(2);
    const after = batch([entryText('y', '"after"')], 1000, 'after');
    const cutShort = stateMessages([entryText('x', '"cut"'), entryText('w', '"cut"')], 14, { snapshot: 'two' }).slice(0, 1);
    // A part sent again after a timeout may be stored twice, after the other part.
    const folded = foldStateMessages([...before, snapshot[1] as string, snapshot[0] as string, snapshot[1] as string, ...after, ...cutShort], new Map([['base', 1]]));
    expect(Object.fromEntries(folded)).toEqual({ x: 'cut', y: 'after' });
    // Without the snapshot's first part it is not complete: the earlier messages and the base stay.
    expect(Object.fromEntries(foldStateMessages([...before, snapshot[1] as string, ...after], new Map([['base', 1]])))).toEqual({ base: 1, gone: 1, x: 'old', y: 'after' });
  });

  it('writes an empty batch or snapshot as one message', () => {
    expect(batch([], 100)).toEqual(['{"b":"b1.0","e":[]}']);
    expect(stateMessages([], 100, { snapshot: 's' })).toEqual(['{"s":"s","p":0,"n":1,"e":[]}']);
    expect(foldStateMessages(stateMessages([], 100, { snapshot: 's' }), new Map([['a', 1]])).size).toBe(0);
  });

  it('writes what changed of an array value (dropped at its start, appended at its end), the whole value when it changed otherwise, nothing when it did not', () => {
    const v = (n: number) => `{"rv":"${n}"}`;
    expect(changeEntry('k', [v(1), v(2), v(3)], [v(1), v(2), v(3), v(4)])).toBe('["k",0,[{"rv":"4"}]]');
    expect(changeEntry('k', [v(1), v(2), v(3)], [v(3), v(4)])).toBe('["k",2,[{"rv":"4"}]]');
    expect(changeEntry('k', [v(1), v(2), v(3)], [v(2), v(3)])).toBe('["k",1,[]]');
    expect(changeEntry('k', [v(1), v(2), v(3)], [v(1), v(2), v(3)])).toBeUndefined();
    // A late version placed between two kept ones: the order changed, so the whole list.
    expect(changeEntry('k', [v(1), v(3)], [v(1), v(2), v(3)])).toBe(entryText('k', [v(1), v(2), v(3)]));
    // Nothing of the old list kept, no old list, a value that is not a list, a removal.
    expect(changeEntry('k', [v(1)], [v(2)])).toBe(entryText('k', [v(2)]));
    expect(changeEntry('k', undefined, [v(1)])).toBe(entryText('k', [v(1)]));
    expect(changeEntry('k', '{"a":1}', '{"a":2}')).toBe('["k",{"a":2}]');
    expect(changeEntry('k', '{"a":1}', '{"a":1}')).toBeUndefined();
    expect(changeEntry('k', '{"a":1}', [v(1)])).toBe(entryText('k', [v(1)]));
    expect(changeEntry('k', [v(1)], undefined)).toBe('["k"]');
    expect(changeEntry('k', undefined, undefined)).toBeUndefined();
  });

  it('folds what changed of an array onto the value before it, and applies a batch message stored twice once', () => {
    const v = (n: number) => `{"rv":"${n}"}`;
    const first = batch([entryText('k', [v(1), v(2)]), entryText('s', '"x"')], 1000, 'first');
    const second = batch([changeEntry('k', [v(1), v(2)], [v(2), v(3)]) as string], 1000, 'second');
    const third = batch([changeEntry('k', [v(2), v(3)], [v(2), v(3), v(4)]) as string], 1000, 'third');
    const expected = { k: [{ rv: '2' }, { rv: '3' }, { rv: '4' }], s: 'x' };
    expect(Object.fromEntries(foldStateMessages([...first, ...second, ...third]))).toEqual(expected);
    // The second batch sent again after a timeout and stored twice (past the server's duplicate window).
    expect(Object.fromEntries(foldStateMessages([...first, ...second, ...second, ...third]))).toEqual(expected);
    // After a snapshot: the change applies to the snapshot's value.
    const snapshot = stateMessages([entryText('k', [v(1), v(2)])], 1000, { snapshot: 'snap' });
    expect(Object.fromEntries(foldStateMessages([...first, ...snapshot, ...second]))).toEqual({ k: [{ rv: '2' }, { rv: '3' }] });
  });

  it('tells the length of a value whole without building it', () => {
    for (const json of ['', '"text"', [], ['1'], ['1', '{"a":[2,3]}', 'null']]) expect(jsonLength(json)).toBe(wholeJson(json).length);
  });
});

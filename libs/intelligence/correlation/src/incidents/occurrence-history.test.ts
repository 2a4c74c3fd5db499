import { describe, expect, it } from 'vitest';
import { OccurrenceHistory } from './occurrence-history.js';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 10, minute)).toISOString();

describe('OccurrenceHistory', () => {
  it('remembers when a pattern found a root cause before, per pattern and root', () => {
    const history = new OccurrenceHistory();
    history.record('config-cascade', 'cm-a', at(1));
    history.record('config-cascade', 'cm-a', at(2));
    history.record('oom-cascade', 'cm-a', at(3));
    expect(history.of('config-cascade', 'cm-a')).toEqual({ times: [at(1), at(2)], count: 2 });
    expect(history.of('oom-cascade', 'cm-a')).toEqual({ times: [at(3)], count: 1 });
    expect(history.of('config-cascade', 'cm-b')).toEqual({ times: [], count: 0 });
  });

  it('hands out copies: a later record does not change what was read', () => {
    const history = new OccurrenceHistory();
    history.record('p', 'root', at(1));
    const read = history.of('p', 'root');
    history.record('p', 'root', at(2));
    expect(read).toEqual({ times: [at(1)], count: 1 });
  });

  it('keeps the newest times per pair and the exact count', () => {
    const history = new OccurrenceHistory({ maxTimesPerKey: 3 });
    for (let minute = 0; minute < 10; minute += 1) history.record('p', 'root', at(minute));
    expect(history.of('p', 'root')).toEqual({ times: [at(7), at(8), at(9)], count: 10 });
  });

  it('forgets the pair updated longest ago beyond maxKeys', () => {
    const history = new OccurrenceHistory({ maxKeys: 2 });
    history.record('p', 'a', at(1));
    history.record('p', 'b', at(2));
    history.record('p', 'a', at(3));
    history.record('p', 'c', at(4));
    expect(history.size).toBe(2);
    expect(history.of('p', 'b').count).toBe(0);
    expect(history.of('p', 'a').count).toBe(2);
    expect(history.of('p', 'c').count).toBe(1);
  });
});

describe('OccurrenceHistory by incident id', () => {
  it('counts an incident once, however often it is recorded, and never against itself', () => {
    const history = new OccurrenceHistory();
    history.record('p', 'root', at(5), 'ins-b');
    history.record('p', 'root', at(1), 'ins-a');
    history.record('p', 'root', at(1), 'ins-a');
    expect(history.of('p', 'root')).toEqual({ times: [at(1), at(5)], count: 2 });
    expect(history.of('p', 'root', 'ins-b')).toEqual({ times: [at(1)], count: 1 });
    expect(history.of('p', 'root', 'ins-other')).toEqual({ times: [at(1), at(5)], count: 2 });
  });
});

import { describe, expect, it } from 'vitest';
import { foldStateMessages } from './state-batches.js';
import { StateLog, type StateLogOptions } from './state-log.js';

/** A stream in memory: sends resolve when `release` is called, and a purge drops what precedes a sequence. */
function memoryStream() {
  const stored: Array<{ seq: number; text: string }> = [];
  const held: Array<() => void> = [];
  let seq = 0;
  let inFlight = 0;
  const options = (overrides: Partial<StateLogOptions> = {}): StateLogOptions => ({
    send: (text, _id) =>
      new Promise<number>((resolve) => {
        inFlight += 1;
        held.push(() => {
          inFlight -= 1;
          stored.push({ seq: (seq += 1), text });
          resolve(seq);
        });
      }),
    purgeBefore: async (before) => {
      stored.splice(0, stored.length, ...stored.filter((message) => message.seq >= before));
    },
    maxMessageChars: 1_000,
    compactAfterChars: 1_000_000,
    compactRatio: 4,
    ...overrides,
  });
  const release = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    for (const send of held.splice(0)) send();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { stored, options, release, texts: () => stored.map((message) => message.text), inFlight: () => inFlight };
}

/** A batch message without its id (`{"b":"…",` before its entries). */
const bodies = (texts: string[]) => texts.map((text) => text.replace(/^\{"b":"[^"]*",/, '{'));

describe('StateLog', () => {
  it('sends one batch at a time and coalesces what is written meanwhile by key, so the log keeps the newest value last', async () => {
    const stream = memoryStream();
    const log = new StateLog(stream.options(), new Map(), 0);
    const first = log.write([['a', '1'], ['b', '1']]);
    const second = log.write([['a', '2']]);
    await stream.release();
    await first;
    await second;
    expect(bodies(stream.texts())).toEqual(['{"e":[["a",2],["b",1]]}']);
    const third = log.write([['a', '3']]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.inFlight()).toBe(1);
    const fourth = log.write([['a', '4'], ['b', undefined]]);
    const fifth = log.write([['c', '5']]);
    await new Promise((resolve) => setImmediate(resolve));
    // The next batch waits for the one in flight.
    expect(stream.inFlight()).toBe(1);
    await stream.release();
    await third;
    await stream.release();
    await Promise.all([fourth, fifth]);
    expect(bodies(stream.texts().slice(1))).toEqual(['{"e":[["a",3]]}', '{"e":[["a",4],["b"],["c",5]]}']);
    expect(Object.fromEntries(foldStateMessages(stream.texts()))).toEqual({ a: 4, c: 5 });
    expect(log.waitingMs()).toBeUndefined();
  });

  it('writes a snapshot once the log outgrows the live entries, then purges what precedes it; the fold gives the same entries', async () => {
    const stream = memoryStream();
    const log = new StateLog(stream.options({ compactAfterChars: 200, compactRatio: 2 }), new Map([['kept', { from: 'restore' }]]), 0);
    for (let round = 0; round < 40; round += 1) {
      const written = log.write([[`k${round % 3}`, `{"round":${round}}`]]);
      await stream.release();
      await written;
    }
    expect(log.counters.snapshots).toBeGreaterThan(0);
    expect(stream.stored.length).toBeLessThan(40);
    expect(stream.texts().some((text) => text.startsWith('{"s":'))).toBe(true);
    expect(Object.fromEntries(foldStateMessages(stream.texts()))).toEqual({ kept: { from: 'restore' }, k0: { round: 39 }, k1: { round: 37 }, k2: { round: 38 } });
  });

  it('writes a snapshot with the first batch when asked (entries from the key-value stream), and after a failed batch', async () => {
    const stream = memoryStream();
    let fail = false;
    const options = stream.options();
    const send = options.send;
    const log = new StateLog({ ...options, send: (text, id) => (fail ? Promise.reject(new Error('refused')) : send(text, id)) }, new Map([['old', 1]]), 0, true);
    const first = log.write([['new', '2']]);
    await stream.release();
    await first;
    expect(stream.texts()).toHaveLength(1);
    expect(stream.texts()[0]).toMatch(/^\{"s":/);
    fail = true;
    await expect(log.write([['lost', '3']])).rejects.toThrow('refused');
    fail = false;
    const after = log.write([['later', '4']]);
    await stream.release();
    await after;
    expect(stream.texts()).toHaveLength(1);
    expect(Object.fromEntries(foldStateMessages(stream.texts()))).toEqual({ old: 1, new: 2, lost: 3, later: 4 });
    await log.whenIdle();
  });

  it('writes what changed of an array value since its last entry, nothing for a value written unchanged, and the fold gives the values written', async () => {
    const stream = memoryStream();
    const ids: string[] = [];
    const options = stream.options();
    const log = new StateLog({ ...options, send: (text, id) => (ids.push(id), options.send(text, id)) }, new Map<string, unknown>([['k', [{ rv: '1' }, { rv: '2' }]]]), 0);
    const versions = (...rvs: number[]) => rvs.map((rv) => `{"rv":"${rv}"}`);
    for (const value of [versions(1, 2, 3), versions(2, 3, 4), versions(2, 3, 4), versions(3, 4, 5)]) {
      const written = log.write([['k', value]]);
      await stream.release();
      await written;
    }
    // The restored value, then three changes (the unchanged write sent nothing).
    expect(bodies(stream.texts())).toEqual(['{"e":[["k",0,[{"rv":"3"}]]]}', '{"e":[["k",1,[{"rv":"4"}]]]}', '{"e":[["k",1,[{"rv":"5"}]]]}']);
    expect(new Set(ids).size).toBe(3);
    const restored = '{"s":"restored","p":0,"n":1,"e":[["k",[{"rv":"1"},{"rv":"2"}]]]}';
    expect(Object.fromEntries(foldStateMessages([restored, ...stream.texts()]))).toEqual({ k: [{ rv: '3' }, { rv: '4' }, { rv: '5' }] });
    expect([...log.entries()]).toEqual([['k', versions(3, 4, 5)]]);
  });
});


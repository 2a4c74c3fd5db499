import { describe, expect, it } from 'vitest';
import { BatchHandOff } from './batch-hand-off.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('BatchHandOff: batches to the main thread, in order, bounded in flight', () => {
  it('cuts batches at their size and posts the rest when the event loop comes round', async () => {
    const posted: number[][] = [];
    const handOff = new BatchHandOff<number>((batch) => posted.push(batch), 3, 10);
    expect(handOff.add([1, 2, 3, 4])).toBeUndefined();
    expect(posted).toEqual([[1, 2, 3]]);
    await tick();
    expect(posted).toEqual([[1, 2, 3], [4]]);
  });

  it('holds batches beyond the limit in flight and makes the reader wait until they are posted', async () => {
    const posted: number[][] = [];
    const handOff = new BatchHandOff<number>((batch) => posted.push(batch), 2, 3);
    let waits = 0;
    let next = 0;
    // A reader that adds one input of two events at a time, waiting whenever told to.
    const reader = (async () => {
      while (next < 40) {
        const wait = handOff.add([next, next + 1]);
        next += 2;
        if (wait) {
          waits += 1;
          await wait;
        }
      }
      await handOff.finish();
    })();
    await tick();
    // Nothing was published: 3 batches posted, the reader stopped after the 4th (held here).
    expect(posted).toHaveLength(3);
    expect(handOff.outstanding).toBe(3);
    expect(next).toBe(8);
    expect(waits).toBe(1);
    // The main thread publishes as it goes; the reader goes on only as batches leave.
    while (posted.length < 20) {
      handOff.published();
      await tick();
      expect(handOff.outstanding).toBeLessThanOrEqual(3);
      expect(next).toBeLessThanOrEqual(posted.length * 2 + 2);
    }
    await reader;
    expect(handOff.maxInFlightSeen).toBe(3);
    expect(posted.flat()).toEqual(Array.from({ length: 40 }, (_, index) => index));
  });

  it('finish resolves only once every batch is posted', async () => {
    const posted: number[][] = [];
    const handOff = new BatchHandOff<number>((batch) => posted.push(batch), 1, 1);
    void handOff.add([1, 2, 3]);
    let finished = false;
    const finishing = handOff.finish().then(() => (finished = true));
    await tick();
    expect(finished).toBe(false);
    handOff.published();
    handOff.published();
    await finishing;
    expect(posted).toEqual([[1], [2], [3]]);
  });
});

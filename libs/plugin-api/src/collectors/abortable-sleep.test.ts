import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { abortableSleep as sleep } from './abortable-sleep.js';

describe('the paced replay sleep', () => {
  it('leaves no abort listener behind once the time is up (one sleep per paced line)', async () => {
    const abort = new AbortController();
    for (let line = 0; line < 50; line += 1) await sleep(1, abort.signal);
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });

  it('wakes at once when the signal aborts, and removes its listener', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const sleeping = sleep(60_000, abort.signal);
    abort.abort();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });
});

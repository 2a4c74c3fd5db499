import { describe, expect, it } from 'vitest';
import { Backoff, sleep } from './backoff.js';

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap, and starts over after a reset', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 });
    expect(Array.from({ length: 6 }, () => backoff.nextDelayMs())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff.consecutiveFailures).toBe(6);
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(100);
  });

  it('spreads delays by the jitter fraction without exceeding the cap', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 1000, factor: 2, jitter: 0.2 }, () => 0);
    const high = new Backoff({ initialMs: 1000, maxMs: 1000, factor: 2, jitter: 0.2 }, () => 1);
    expect(low.nextDelayMs()).toBe(800);
    expect(high.nextDelayMs()).toBe(1000);
  });

  it('sleep returns early when aborted', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const sleeping = sleep(10_000, abort.signal);
    abort.abort();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

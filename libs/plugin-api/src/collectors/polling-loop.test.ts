import { describe, expect, it } from 'vitest';
import { PollingLoop } from './polling-loop.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PollingLoop', () => {
  it('start resolves after the first poll; polls repeat every interval after the previous one ended', async () => {
    const starts: number[] = [];
    let first = false;
    const loop = new PollingLoop({
      intervalMs: 20,
      poll: async () => {
        starts.push(Date.now());
        await sleep(30);
        first = true;
      },
      onError: () => undefined,
    });
    expect(await loop.start()).toBe(true);
    expect(first).toBe(true);
    expect(await loop.start()).toBe(false);
    await sleep(200);
    await loop.stop();
    expect(starts.length).toBeGreaterThanOrEqual(3);
    // Never closer than the poll's own 30 ms plus the 20 ms pause: no overlap, no pile-up.
    for (let index = 1; index < starts.length; index++) expect((starts[index] as number) - (starts[index - 1] as number)).toBeGreaterThanOrEqual(45);
  });

  it('never runs two polls at once, also when pollNow nudges it during a poll', async () => {
    let inFlight = 0;
    let most = 0;
    let count = 0;
    const loop = new PollingLoop({
      intervalMs: 5,
      poll: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        count++;
        await sleep(10);
        inFlight--;
      },
      onError: () => undefined,
    });
    await loop.start();
    await Promise.all([loop.pollNow(), loop.pollNow(), loop.pollNow()]);
    await loop.stop();
    expect(most).toBe(1);
    expect(count).toBeGreaterThanOrEqual(4);
  });

  it('stop waits for the poll in flight and starts no other; a stopped loop ignores pollNow', async () => {
    let finished = 0;
    let started = 0;
    let release: (() => void) | undefined;
    const loop = new PollingLoop({
      intervalMs: 1,
      poll: async () => {
        started++;
        if (started === 2) await new Promise<void>((resolve) => (release = resolve));
        finished++;
      },
      onError: () => undefined,
    });
    await loop.start();
    while (started < 2) await sleep(1);
    const stopped = loop.stop();
    let done = false;
    void stopped.then(() => (done = true));
    await sleep(20);
    expect(done).toBe(false);
    release?.();
    await stopped;
    expect(finished).toBe(2);
    await loop.pollNow();
    await sleep(20);
    expect(started).toBe(2);
  });

  it('a poll that throws is reported and the loop goes on', async () => {
    const errors: unknown[] = [];
    let polls = 0;
    const loop = new PollingLoop({
      intervalMs: 5,
      poll: async () => {
        polls++;
        if (polls === 1) throw new Error('bug');
      },
      onError: (error) => errors.push(error),
    });
    await loop.start();
    await sleep(50);
    await loop.stop();
    expect(errors).toEqual([new Error('bug')]);
    expect(polls).toBeGreaterThan(1);
  });

  it('health: stopped, ok with its details, degraded with the failure', async () => {
    const loop = new PollingLoop({ intervalMs: 1000, poll: async () => undefined, onError: () => undefined });
    expect(loop.health(undefined, {})).toEqual({ status: 'stopped' });
    await loop.start();
    expect(loop.health(undefined, { polls: 1 })).toEqual({ status: 'ok', details: { polls: 1 } });
    expect(loop.health('kubelet at https://n1:10250: ECONNREFUSED', { polls: 1 })).toEqual({ status: 'degraded', reason: 'kubelet at https://n1:10250: ECONNREFUSED', details: { polls: 1 } });
    await loop.stop();
    expect(loop.health('x', {})).toEqual({ status: 'stopped' });
  });

  it('with a circuit: after `failures` failed polls the component is left alone, skipped polls are counted, one poll tries again later and closes it', async () => {
    let up = false;
    let polls = 0;
    const loop = new PollingLoop({
      intervalMs: 5,
      poll: async () => {
        polls++;
        return up ? undefined : 'ECONNREFUSED';
      },
      onError: () => undefined,
      circuit: { name: 'collector:test', target: 'the component at x', failures: 3, halfOpenAfterMs: 600 },
    });
    const state = () => loop.circuit?.state;
    await loop.start();
    while (state() !== 'open') await sleep(2);
    expect(polls).toBe(3);
    await sleep(100);
    // Open: polls come due every 5 ms and none reaches the component.
    expect(polls).toBe(3);
    const open = loop.health('the component at x: ECONNREFUSED', {});
    expect(open.status).toBe('degraded');
    expect(open.reason).toMatch(/^the component at x: ECONNREFUSED; circuit collector:test open since .*: polls paused, next try in \d s$/);
    expect(open.details).toMatchObject({ circuitState: 'open', circuitOpened: 1, circuitLastFailure: 'ECONNREFUSED' });
    expect(Number(open.details?.['circuitRefused'])).toBeGreaterThan(0);
    up = true;
    while (state() !== 'closed') await sleep(2);
    expect(polls).toBe(4);
    expect(loop.health(undefined, {})).toMatchObject({ status: 'ok', details: { circuitState: 'closed' } });
    await loop.stop();
  });
});

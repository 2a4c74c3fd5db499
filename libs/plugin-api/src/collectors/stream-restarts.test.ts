import { describe, expect, it } from 'vitest';
import { StreamRestarts } from './stream-restarts.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('StreamRestarts', () => {
  it('starts again after a failed start with a doubling back-off; after `failures` in a row none is tried until the circuit half-opens; a start that works closes it', async () => {
    let up = false;
    const starts: number[] = [];
    const restarts = new StreamRestarts({
      retryMs: 10,
      maxRetryMs: 1_000,
      start: async () => {
        starts.push(Date.now());
        return up ? undefined : 'ECONNREFUSED';
      },
      onError: () => undefined,
      circuit: { name: 'collector:test', target: 'the component at x', failures: 3, halfOpenAfterMs: 600 },
    });
    const state = () => restarts.circuit.state;
    await restarts.start();
    while (state() !== 'open') await sleep(2);
    expect(starts).toHaveLength(3);
    // 10 then 20 ms between the failed starts.
    expect((starts[2] as number) - (starts[1] as number)).toBeGreaterThanOrEqual(18);
    await sleep(100);
    expect(starts).toHaveLength(3);
    const open = restarts.health('the component at x: ECONNREFUSED', { connects: 0 });
    expect(open).toMatchObject({ status: 'degraded', details: { connects: 0, circuitState: 'open', circuitOpened: 1 } });
    expect(open.reason).toMatch(/^the component at x: ECONNREFUSED; circuit collector:test open since .*: restarts paused, next try in \d s$/);
    up = true;
    while (state() !== 'closed') await sleep(2);
    expect(starts).toHaveLength(4);
    expect(restarts.health(undefined, {})).toMatchObject({ status: 'ok', details: { circuitState: 'closed' } });
    restarts.stop();
  });

  it('a stream that ran and broke is started again after the base delay; stop cancels a pending restart', async () => {
    let starts = 0;
    const restarts = new StreamRestarts({
      retryMs: 20,
      maxRetryMs: 1_000,
      start: async () => void starts++,
      onError: () => undefined,
      circuit: { name: 'collector:test', target: 'x', failures: 3, halfOpenAfterMs: 200 },
    });
    await restarts.start();
    restarts.ran();
    restarts.restartLater();
    await sleep(60);
    expect(starts).toBe(2);
    restarts.restartLater();
    restarts.stop();
    await sleep(60);
    expect(starts).toBe(2);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { PromClientMetrics } from '@tapio/embedded';
import type { HealthReport } from '@tapio/api';
import { StatusServer } from './status-server.js';

describe('StatusServer', () => {
  let server: StatusServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  async function started(health: () => HealthReport) {
    const metrics = new PromClientMetrics({ defaultMetrics: false });
    metrics.counter('tapio_status_test_total', 'a counter for the test').inc({}, 3);
    server = new StatusServer({ host: '127.0.0.1', port: 0 }, { health, metrics });
    await server.start();
    return server.url() as string;
  }

  it('answers liveness, readiness per component and the metrics', async () => {
    const url = await started(() => ({ bus: { status: 'ok' }, collectors: { cri: { status: 'degraded', reason: 'containerd socket' } } }));
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'degraded', components: { bus: { status: 'ok' }, 'collectors/cri': { status: 'degraded' } } });
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('tapio_status_test_total 3');
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
  });

  it('is not ready while a component is down', async () => {
    const url = await started(() => ({ bus: { status: 'down', reason: 'no NATS server' } }));
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'down' });
  });

  it('says where it cannot listen', async () => {
    const url = await started(() => ({}));
    const port = Number(new URL(url).port);
    const second = new StatusServer({ host: '127.0.0.1', port }, { health: () => ({}), metrics: new PromClientMetrics({ defaultMetrics: false }) });
    await expect(second.start()).rejects.toThrow(`status: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
  });
});

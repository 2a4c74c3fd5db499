import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryGraphStore } from '@tapio/embedded';
import { bearer, harness, READ_TOKEN, WRITE_TOKEN } from './support/api-harness.js';

describe('API security', () => {
  let graph: MemoryGraphStore;
  beforeAll(async () => {
    graph = new MemoryGraphStore();
    await graph.start();
  });

  it('refuses writes when no token is configured', async () => {
    const { app } = await harness(graph, {});
    const response = await app.inject({ method: 'POST', url: '/api/v1/patterns/reload', headers: bearer(WRITE_TOKEN) });
    expect(response.statusCode).toBe(403);
    expect(response.json().message).toContain('api.token');
    await app.close();
  });

  it('protects reads when configured; the read token cannot write; probes stay open', async () => {
    const { app } = await harness(graph, { token: WRITE_TOKEN, readToken: READ_TOKEN, protectReads: true });
    const read = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/v1/patterns', headers });
    expect((await read({})).statusCode).toBe(401);
    expect((await read(bearer('nope-nope-nope-nope-nope'))).statusCode).toBe(401);
    expect((await read(bearer(READ_TOKEN))).statusCode).toBe(200);
    expect((await read(bearer(WRITE_TOKEN))).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const write = await app.inject({ method: 'POST', url: '/api/v1/patterns/reload', headers: bearer(READ_TOKEN) });
    expect(write.statusCode).toBe(401);
    await app.close();
  });

  it('refuses feedback when no token is configured', async () => {
    const { app } = await harness(graph, {});
    const response = await app.inject({ method: 'POST', url: '/api/v1/feedback', headers: bearer(WRITE_TOKEN), payload: { prediction_id: 'pred-1', accurate: true } });
    expect(response.statusCode).toBe(403);
    await app.close();
  });

  it('refuses a configuration that would lock every reader out', async () => {
    await expect(harness(graph, { protectReads: true })).rejects.toThrow(/protectReads/);
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const closed = await harness(graph, {});
    const plain = await closed.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    await closed.app.close();
    const open = await harness(graph, { corsOrigins: ['https://grafana.example'] });
    const allowed = await open.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://grafana.example' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://grafana.example');
    const other = await open.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await open.app.close();
  });

  it('never sends a stack trace: internal failures are a bare 500', async () => {
    class BrokenGraph extends MemoryGraphStore {
      override async why(): Promise<never> {
        throw new Error('secret internals at /srv/tapio/graph.ts:42');
      }
    }
    const broken = new BrokenGraph();
    await broken.start();
    const { app } = await harness(broken);
    const response = await app.inject({ method: 'GET', url: '/api/v1/why/pod/shop/x' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error; the server log has the details' });
    expect(response.body).not.toContain('secret');
    await app.close();
  });
});

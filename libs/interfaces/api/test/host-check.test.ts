import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryGraphStore } from '@tapio/embedded';
import { harness, type Harness } from './support/api-harness.js';

describe('Host check (DNS rebinding protection)', () => {
  let api: Harness;
  let named: Harness;

  beforeAll(async () => {
    api = await harness(new MemoryGraphStore());
    named = await harness(new MemoryGraphStore(), { allowedHosts: ['tapio.monitoring.svc'] });
  });

  afterAll(async () => {
    await api.app.close();
    await named.app.close();
  });

  it('serves reads under IP addresses and localhost', async () => {
    for (const host of ['127.0.0.1:7345', 'localhost:7345', 'localhost', '[::1]:7345', '10.1.2.3']) {
      expect((await api.app.inject({ method: 'GET', url: '/api/v1/insights', headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it('refuses a rebound DNS name with 403 and what to configure, before any route runs', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/api/v1/insights', headers: { host: 'attacker.example:7345' } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ statusCode: 403, message: expect.stringContaining('Host "attacker.example:7345" is not allowed') });
    expect(response.json().message).toContain('api.allowedHosts');
  });

  it('serves the names listed in api.allowedHosts, case-insensitively, and only those', async () => {
    expect((await named.app.inject({ method: 'GET', url: '/api/v1/insights', headers: { host: 'Tapio.Monitoring.svc:7345' } })).statusCode).toBe(200);
    expect((await named.app.inject({ method: 'GET', url: '/api/v1/insights', headers: { host: 'tapio.monitoring.svc.attacker.example' } })).statusCode).toBe(403);
  });
});

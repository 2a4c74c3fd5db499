import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryGraphStore, PromClientMetrics } from '@tapio/embedded';
import { buildApi, GraphPatternAdmin, type ApiConfig } from '../src/index.js';
import { bearer, READ_TOKEN, WRITE_TOKEN } from './support/api-harness.js';

describe('the web UI served by the API at / and /ui/*', () => {
  let dir: string;
  let built: string;
  let graph: MemoryGraphStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-web-routes-'));
    built = join(dir, 'built');
    await mkdir(join(built, 'assets'), { recursive: true });
    await writeFile(join(built, 'index.html'), '<!doctype html><script type="module" src="/ui/assets/app-1a2b.js"></script>');
    await writeFile(join(built, 'assets/app-1a2b.js'), `console.log("tapio");\n`.repeat(200));
    await writeFile(join(built, 'assets/app-1a2b.css'), 'body{}');
    graph = new MemoryGraphStore();
    await graph.start();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const api = (webAssetsDir: string, config: Partial<ApiConfig> = {}) =>
    buildApi({ graph, metrics: new PromClientMetrics(), health: () => ({}), patterns: new GraphPatternAdmin(graph) }, { config, webAssetsDir, validateResponses: true });

  it('serves the page, not cached, under a CSP that allows only its own scripts and this server', async () => {
    const app = await api(built);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('/ui/assets/app-1a2b.js');
    await app.close();
  });

  it('serves the hashed bundles for good and nothing else', async () => {
    const app = await api(built);
    const script = await app.inject({ method: 'GET', url: '/ui/assets/app-1a2b.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/ui/assets/app-1a2b.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
    const zipped = await app.inject({ method: 'GET', url: '/ui/assets/app-1a2b.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toBe('accept-encoding');
    expect(zipped.rawPayload.length).toBeLessThan(script.rawPayload.length / 10);
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(script.body);
    expect(script.headers['content-encoding']).toBeUndefined();
    for (const url of ['/ui/assets/nope.js', '/ui/index.html', '/ui/../package.json', '/ui/%2e%2e/package.json']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
    }
    await app.close();
  });

  it('says how to build the UI when it was not built', async () => {
    const app = await api(join(dir, 'missing'));
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.json().message).toContain('npm run build');
    await app.close();
  });

  it('keeps / free when api.ui is off', async () => {
    const app = await api(built, { ui: false });
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    await app.close();
  });

  it('serves the page without a token when reads are protected; its data still needs one', async () => {
    const app = await api(built, { token: WRITE_TOKEN, readToken: READ_TOKEN, protectReads: true });
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/ui/assets/app-1a2b.js' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/insights' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/insights', headers: bearer(READ_TOKEN) })).statusCode).toBe(200);
    await app.close();
  });
});

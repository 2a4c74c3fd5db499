import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { KubeApiClient } from './kube-api-client.js';
import type { KubeApiError } from './kube-api-error.js';
import type { WatchEvent } from './kube-object.js';

/**
 * The client's HTTP and WebSocket plumbing against a loopback server that answers the
 * way the API server does (paged lists, chunked watch lines, Status bodies on 401/403),
 * including the cases fabric8's mock cannot produce.
 */
function kubeConfigFor(server: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return config;
}

const status = (code: number, message: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: code === 403 ? 'Forbidden' : 'Unauthorized', code });

describe('KubeApiClient', () => {
  let server: Server;
  let base: string;
  const seen: { url: string; authorization?: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', 'http://x');
      seen.push({ url: url.pathname + url.search, authorization: request.headers.authorization });
      if (url.pathname === '/api/v1/secrets') return void response.writeHead(403, { 'content-type': 'application/json' }).end(status(403, 'secrets is forbidden: User "system:serviceaccount:tapio:tapio" cannot list resource "secrets"'));
      if (url.pathname === '/api/v1/nodes') return void response.writeHead(401, { 'content-type': 'application/json' }).end(status(401, 'Unauthorized'));
      if (url.pathname === '/api/v1/pods' && url.searchParams.get('watch') === 'true') {
        response.writeHead(200, { 'content-type': 'application/json' });
        const lines = [
          { type: 'ADDED', object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'a', uid: 'a', resourceVersion: '6' } } },
          { type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '9' } } },
        ];
        response.write(`${JSON.stringify(lines[0])}\n`);
        setTimeout(() => response.end(`${JSON.stringify(lines[1])}\n`), 50);
        return;
      }
      if (url.pathname === '/api/v1/namespaces/empty/secrets') {
        // What kube-apiserver 1.34 sends for a metadata-only list with nothing in it.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '521' }, items: null }));
        return;
      }
      if (url.pathname === '/api/v1/pods') {
        const second = url.searchParams.get('continue') === 'page2';
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: second ? { resourceVersion: '5' } : { resourceVersion: '5', continue: 'page2' }, items: [{ metadata: { name: second ? 'b' : 'a' } }] }));
        return;
      }
      response.writeHead(404).end();
    });
    const sockets = new WebSocketServer({ noServer: true });
    server.on('upgrade', (request, socket, head) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname === '/api/v1/secrets') {
        socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\n\r\n${status(403, 'secrets is forbidden')}`);
        return;
      }
      if (request.headers.origin !== base) {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\nnull origin');
        return;
      }
      sockets.handleUpgrade(request, socket, head, (ws) => {
        ws.send(JSON.stringify({ type: 'MODIFIED', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', uid: 'c', resourceVersion: '7' } } }));
        if (url.pathname === '/api/v1/configmaps') ws.close(1000, 'timeout');
        else ws.terminate();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  const collect = async (events: AsyncIterable<WatchEvent>) => {
    const out: string[] = [];
    for await (const event of events) out.push(`${event.type} ${event.object.metadata?.resourceVersion}`);
    return out;
  };
  const options = () => ({ resourceVersion: '5', timeoutSeconds: 30, signal: new AbortController().signal });

  it('lists page by page with the bearer token', async () => {
    const client = new KubeApiClient(kubeConfigFor(base));
    const first = await client.list('/api/v1/pods', { limit: 1, signal: new AbortController().signal });
    expect(first).toMatchObject({ resourceVersion: '5', continueToken: 'page2', items: [{ metadata: { name: 'a' } }] });
    const second = await client.list('/api/v1/pods', { limit: 1, continueToken: 'page2', signal: new AbortController().signal });
    expect(second.continueToken).toBeUndefined();
    expect(seen.filter((request) => request.url.startsWith('/api/v1/pods?limit'))).toEqual([
      { url: '/api/v1/pods?limit=1', authorization: 'Bearer secret-token' },
      { url: '/api/v1/pods?limit=1&continue=page2', authorization: 'Bearer secret-token' },
    ]);
  });

  it('reads an empty metadata-only list, whose items the API server sends as null', async () => {
    const client = new KubeApiClient(kubeConfigFor(base));
    const page = await client.list('/api/v1/namespaces/empty/secrets', { limit: 7, metadataOnly: true, signal: new AbortController().signal });
    expect(page).toEqual({ items: [], resourceVersion: '521' });
  });

  it('watches the chunked HTTP stream from a resourceVersion, with bookmarks, until the server ends it', async () => {
    const client = new KubeApiClient(kubeConfigFor(base), 'http');
    expect(await collect(client.watch('/api/v1/pods', options()))).toEqual(['ADDED 6', 'BOOKMARK 9']);
    const request = seen.find((entry) => entry.url.includes('watch=true'));
    expect(request?.url).toBe('/api/v1/pods?watch=true&resourceVersion=5&allowWatchBookmarks=true&timeoutSeconds=30');
    expect(request?.authorization).toBe('Bearer secret-token');
  });

  it('reports 403 and 401 as forbidden / unauthorized with the server message and what was asked', async () => {
    const client = new KubeApiClient(kubeConfigFor(base));
    const forbidden = (await client.list('/api/v1/secrets', { limit: 10, signal: new AbortController().signal }).catch((error: unknown) => error)) as KubeApiError;
    expect(forbidden).toMatchObject({ failure: 'forbidden', status: 403 });
    expect(forbidden.message).toBe(`list /api/v1/secrets on ${base}: HTTP 403 (secrets is forbidden: User "system:serviceaccount:tapio:tapio" cannot list resource "secrets")`);
    const unauthorized = (await client.list('/api/v1/nodes', { limit: 10, signal: new AbortController().signal }).catch((error: unknown) => error)) as KubeApiError;
    expect(unauthorized).toMatchObject({ failure: 'unauthorized', status: 401 });
    await expect(collect(client.watch('/api/v1/secrets', options()))).rejects.toMatchObject({ failure: 'forbidden', status: 403 });
    const websocket = new KubeApiClient(kubeConfigFor(base), 'websocket');
    await expect(collect(websocket.watch('/api/v1/secrets', options()))).rejects.toMatchObject({ failure: 'forbidden', status: 403 });
  });

  it('reports a closed port as unreachable, naming the server and the socket error', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as { port: number }).port;
    await new Promise((done) => closed.close(done));
    const client = new KubeApiClient(kubeConfigFor(`http://127.0.0.1:${port}`));
    const error = (await client.list('/api/v1/pods', { limit: 1, signal: new AbortController().signal }).catch((caught: unknown) => caught)) as KubeApiError;
    expect(error.failure).toBe('unreachable');
    expect(error.message).toContain(`list /api/v1/pods on http://127.0.0.1:${port}: API server unreachable (ECONNREFUSED`);
  });

  it('over WebSocket: a normal close ends the watch, an abnormal one is an error', async () => {
    const client = new KubeApiClient(kubeConfigFor(base), 'websocket');
    expect(await collect(client.watch('/api/v1/configmaps', options()))).toEqual(['MODIFIED 7']);
    const broken = client.watch('/api/v1/services', options());
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const event of broken) received.push(`${event.type} ${event.object.metadata?.resourceVersion}`);
      })(),
    ).rejects.toMatchObject({ failure: 'unreachable' });
    expect(received).toEqual(['MODIFIED 7']);
  });
});

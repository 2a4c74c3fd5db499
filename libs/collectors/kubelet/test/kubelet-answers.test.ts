import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetter, RawEvent } from '@tapio/plugin-api';
import { KubeletCollector } from '../src/collector/kubelet-collector.js';

const POD = { name: 'api-1', namespace: 'ledger', uid: 'u1' };
const time = '2026-12-03T05:00:00Z';
const PODS = { kind: 'PodList', items: [{ metadata: POD, spec: { containers: [{ name: 'app', resources: { limits: { memory: '100Mi' } } }] } }] };
const SUMMARY = { node: { nodeName: 'n1', memory: { time, availableBytes: 8e9 } }, pods: [{ podRef: POD, containers: [{ name: 'app', memory: { time, workingSetBytes: 90 * 1024 * 1024 } }] }] };

// A stand-in for the kubelet's answers over plain http (the collector sends its token only over
// TLS): what this checks is the collector's handling of answers, not the kubelet, which
// apps/tapio/test/kubelet-seed-oom.test.ts reads on the real cluster.
describe('KubeletCollector answers', () => {
  let server: Server | undefined;
  let answers: Record<string, { status: number; body: unknown }> = {};
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(): Promise<string> {
    server = createServer((request, response) => {
      const answer = answers[request.url ?? ''] ?? { status: 404, body: 'not found' };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
  }

  it('an answer of the wrong shape is dead-lettered with the reason, health names it, and the next good answer clears it', async () => {
    const letters: DeadLetter[] = [];
    const emitted: RawEvent[] = [];
    answers = { '/pods': { status: 200, body: PODS }, '/stats/summary': { status: 200, body: { node: { nodeName: 'n1' }, pods: [{ podRef: { name: 'x' } }] } } };
    const collector = new KubeletCollector({ endpoint: await serve(), nodeName: 'n1', intervalMs: 100, auth: { tokenFile: '/nonexistent' } }, { deadLetters: { put: (entry) => void letters.push(entry), count: () => letters.length, recent: () => letters } });
    await collector.start({ emit: async (event) => void emitted.push(event) });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ stage: 'decode', source: 'kubelet_api', origin: 'collector:kubelet' });
    expect(letters[0]?.reason).toMatch(/^kubelet \/stats\/summary answer of the wrong shape: pods\.0\.podRef\.namespace/);
    expect(collector.health()).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/kubelet of node n1 at http:\/\/127\.0\.0\.1:\d+: kubelet \/stats\/summary answer of the wrong shape/) });
    answers['/stats/summary'] = { status: 200, body: SUMMARY };
    await new Promise((resolve) => setTimeout(resolve, 300));
    await collector.stop();
    expect(collector.health().status).toBe('stopped');
    expect(emitted.map((event) => [event.type, (event.data as { container?: string }).container])).toEqual([['container_usage', 'app']]);
  });

  it('a refused token turns the health degraded naming the grant it needs; an unreachable kubelet names the error', async () => {
    answers = { '/pods': { status: 403, body: 'Forbidden (user=system:serviceaccount:tapio:x, verb=get, resource=nodes, subresource=pods)' }, '/stats/summary': { status: 200, body: SUMMARY } };
    const refused = new KubeletCollector({ endpoint: await serve(), nodeName: 'n1', auth: { tokenFile: '/nonexistent' } });
    await refused.start({ emit: async () => undefined });
    expect(refused.health()).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/answered 403: Forbidden .*needs get on nodes\/stats and nodes\/pods/) });
    await refused.stop();
    const gone = new KubeletCollector({ endpoint: 'http://127.0.0.1:1', nodeName: 'n1', auth: { tokenFile: '/nonexistent' } });
    await gone.start({ emit: async () => undefined });
    expect(gone.health()).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/ECONNREFUSED/) });
    await gone.stop();
  });
});

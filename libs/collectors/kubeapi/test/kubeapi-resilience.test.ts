import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiCollector } from '../src/index.js';
import { CollectingSink, syncedWithin, waitUntil } from './support/collecting-sink.js';
import { startKubeMock, type KubeMock } from './support/kube-mock-server.js';
import { collectionOf, configMap, deployment, namespace, pod, service } from './support/objects.js';
import { TcpProxy } from './support/tcp-proxy.js';

type Created = { metadata: { uid: string; name: string; resourceVersion: string } };
const FAST_RETRY = { initialMs: 100, maxMs: 500 };

describe('kubeapi collector when the API server or the watch fails', () => {
  let mock: KubeMock;
  const create = <T = Created>(object: Parameters<typeof collectionOf>[0]) => mock.request<T>('POST', collectionOf(object), object);

  beforeAll(async () => {
    mock = await startKubeMock();
    await create(namespace('shop'));
  });
  afterAll(async () => {
    await mock?.stop();
  });

  // fabric8's mock ignores resourceVersion: a resumed watch replays the current objects as
  // ADDED instead of the events missed, so deletions made during the outage cannot reach the
  // collector here. That a resumed watch delivers every missed change, deletions included,
  // and that 410 relists and diffs, is tested on a real API server (test/real-cluster/) and
  // against the in-process stand-in (resource-informer.test.ts).
  it('resumes the watch after a broken connection without relisting, delivering what the server replays once', async () => {
    const proxy = new TcpProxy(mock.port);
    await proxy.start();
    const stable = await create(deployment('shop', 'stable', 'shop/stable:1'));
    const doomed = await create(pod('shop', 'doomed', { ip: '10.2.0.9', nodeName: 'node-a', containerId: 'ddd999', app: 'doomed' }));
    await create(configMap('shop', 'edited', { key: 'v1' }));
    const recreated = await create(configMap('shop', 'recreated', { key: 'old' }));

    const sink = new CollectingSink();
    const collector = new KubeApiCollector({
      cluster: 'resilience',
      kubeconfig: mock.writeKubeconfig(proxy.url),
      watchTransport: 'websocket',
      kinds: ['Deployment', 'Pod', 'ConfigMap', 'Service'],
      backoff: FAST_RETRY,
    });
    try {
      await collector.start(sink);
      await syncedWithin(collector);
      const listsBefore = collector.informerStatuses().reduce((sum, status) => sum + status.lists, 0);
      const before = sink.events.length;

      await proxy.cut();
      await waitUntil('health to report the broken connection', () => collector.health().status === 'degraded');
      expect(collector.health().reason).toMatch(/unreachable/);

      // While the collector is cut off: an edit, a deletion, a creation and a delete+recreate under one name.
      const edited = await mock.request<{ data: Record<string, string> }>('GET', '/api/v1/namespaces/shop/configmaps/edited');
      edited.data['key'] = 'v2';
      await mock.request('PUT', '/api/v1/namespaces/shop/configmaps/edited', edited);
      await mock.request('DELETE', '/api/v1/namespaces/shop/pods/doomed');
      await create(service('shop', 'born', 'born'));
      await mock.request('DELETE', '/api/v1/namespaces/shop/configmaps/recreated');
      const reborn = await create(configMap('shop', 'recreated', { key: 'new' }));

      await proxy.restore();
      await sink.waitFor('the changes the resumed watch replays', (events) => events.length >= before + 3);
      await waitUntil('health to recover', () => collector.health().status === 'ok');

      const missed = sink.events.slice(before).map((event) => `${event.type} ${event.data.object.kind}/${event.data.object.metadata.name}`);
      expect(missed.sort()).toEqual(['ADDED ConfigMap/recreated', 'ADDED Service/born', 'MODIFIED ConfigMap/edited'].sort());
      expect(sink.of('ConfigMap', 'recreated').map((event) => [event.type, event.data.object.metadata.uid])).toEqual([
        ['ADDED', recreated.metadata.uid],
        ['ADDED', reborn.metadata.uid],
      ]);
      expect(sink.of('Pod', 'doomed').map((event) => [event.type, event.data.object.metadata.uid])).toEqual([['ADDED', doomed.metadata.uid]]);
      expect(sink.of('Deployment', 'stable').map((event) => event.data.object.metadata.uid)).toEqual([stable.metadata.uid]);
      // Resumed, not relisted.
      expect(collector.informerStatuses().reduce((sum, status) => sum + status.lists, 0)).toBe(listsBefore);

      // The watch resumed: a change after recovery arrives too.
      await create(configMap('shop', 'after', { key: 'v' }));
      await sink.waitFor('a change after recovery', () => sink.of('ConfigMap', 'after').length === 1);
    } finally {
      await collector.stop();
      await proxy.stop();
    }
  });

  it('starts at once against an unreachable API server, reports degraded health naming it, and syncs when it comes up', async () => {
    const proxy = new TcpProxy(mock.port);
    await proxy.start();
    const url = proxy.url;
    await proxy.cut();
    const sink = new CollectingSink();
    const collector = new KubeApiCollector({ cluster: 'late', kubeconfig: mock.writeKubeconfig(url), watchTransport: 'websocket', kinds: ['Namespace'], backoff: FAST_RETRY });
    try {
      const started = Date.now();
      await collector.start(sink);
      expect(Date.now() - started).toBeLessThan(500);
      await waitUntil('degraded health', () => collector.health().status === 'degraded');
      const health = collector.health();
      expect(health.reason).toContain('unreachable');
      expect(health.reason).toContain(url);
      expect(health.reason).toContain('ECONNREFUSED');

      await proxy.restore();
      await syncedWithin(collector);
      await waitUntil('ok health', () => collector.health().status === 'ok');
      expect(sink.of('Namespace', 'shop').map((event) => event.type)).toEqual(['ADDED']);
    } finally {
      await collector.stop();
      await proxy.stop();
    }
    expect(collector.health().status).toBe('stopped');
  });

  it('rejects a kubeconfig that does not exist or a context it does not have, naming them', async () => {
    const missing = new KubeApiCollector({ kubeconfig: '/nonexistent/kubeconfig.yaml' });
    await expect(missing.start(new CollectingSink())).rejects.toThrow('/nonexistent/kubeconfig.yaml');
    const wrongContext = new KubeApiCollector({ kubeconfig: mock.writeKubeconfig(), context: 'prod' });
    await expect(wrongContext.start(new CollectingSink())).rejects.toThrow(/context prod is not in the kubeconfig \(contexts: mock\)/);
  });
});

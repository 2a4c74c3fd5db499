import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnifiedEvent } from '@tapio/domain';
import { KubeApiCollector } from '../src/index.js';
import { unifiedEventsOf } from './support/transform.js';
import { CollectingSink, syncedWithin, waitUntil } from './support/collecting-sink.js';
import { startKubeMock, type KubeMock } from './support/kube-mock-server.js';
import { collectionOf, configMap, deployment, event, namespace, node, pod, replicaSet, secret, service } from './support/objects.js';

type Created = { metadata: { uid: string; name: string; resourceVersion: string } };

describe('kubeapi collector against a live API server (fabric8 mock, CRUD mode)', () => {
  let mock: KubeMock;
  let collector: KubeApiCollector;
  const sink = new CollectingSink();
  let deploy: Created;
  let rs: Created;
  let podA: Created;

  const create = <T = Created>(object: Parameters<typeof collectionOf>[0]) => mock.request<T>('POST', collectionOf(object), object);

  beforeAll(async () => {
    mock = await startKubeMock();
    await create(namespace('shop'));
    await create(node('node-a'));
    deploy = await create(deployment('shop', 'checkout', 'shop/checkout:1.0'));
    rs = await create(replicaSet('shop', 'checkout-7d9f', { name: 'checkout', uid: deploy.metadata.uid }));
    podA = await create(pod('shop', 'checkout-7d9f-a', { owner: { name: 'checkout-7d9f', uid: rs.metadata.uid }, ip: '10.1.0.5', nodeName: 'node-a', containerId: 'aaa111', app: 'checkout' }));
    await create(service('shop', 'checkout', 'checkout'));
    await create(configMap('shop', 'checkout-config', { 'application.yaml': 'timeout: 5s' }));
    await create(secret('shop', 'checkout-db', { password: 'hunter2' }));
    await create(configMap('kube-system', 'coredns', { Corefile: '.:53' }));

    collector = new KubeApiCollector({
      cluster: 'it-cluster',
      kubeconfig: mock.writeKubeconfig(),
      watchTransport: 'websocket',
      namespaces: { exclude: ['kube-system'] },
    });
    const started = Date.now();
    await collector.start(sink);
    expect(Date.now() - started).toBeLessThan(1000);
    await syncedWithin(collector);
  });

  afterAll(async () => {
    await collector?.stop();
    await mock?.stop();
  });

  it('emits the starting state as ADDED RawEvents in the recording format', () => {
    const added = (kind: string, name: string) => sink.of(kind, name).filter((e) => e.type === 'ADDED');
    for (const [kind, name] of [
      ['Namespace', 'shop'],
      ['Node', 'node-a'],
      ['Deployment', 'checkout'],
      ['ReplicaSet', 'checkout-7d9f'],
      ['Pod', 'checkout-7d9f-a'],
      ['Service', 'checkout'],
      ['ConfigMap', 'checkout-config'],
      ['Secret', 'checkout-db'],
    ] as const) {
      expect(added(kind, name), `${kind}/${name}`).toHaveLength(1);
    }
    const [rawDeployment] = added('Deployment', 'checkout');
    expect(rawDeployment).toMatchObject({
      source: 'kubeapi',
      type: 'ADDED',
      metadata: { cluster: 'it-cluster', collector: 'kubeapi' },
      data: { type: 'ADDED', object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'checkout', uid: deploy.metadata.uid } } },
    });
    expect(rawDeployment?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(rawDeployment?.data.object.metadata['managedFields']).toBeUndefined();
    expect((rawDeployment?.data.object['spec'] as { template: unknown }).template).toMatchObject({ spec: { containers: [{ image: 'shop/checkout:1.0' }] } });
  });

  it('applies the namespace exclude list', () => {
    expect(sink.of('ConfigMap', 'coredns')).toEqual([]);
  });

  it('emits Secrets as metadata only: no value, no hash of one; the keys only where the last-applied annotation names them', () => {
    const [rawSecret] = sink.of('Secret', 'checkout-db');
    const object = rawSecret?.data.object as unknown as { data?: unknown; metadata: { annotations: Record<string, string> } };
    expect(object.data).toBeUndefined();
    expect(Object.keys(object)).toEqual(['apiVersion', 'kind', 'metadata']);
    expect(JSON.stringify(rawSecret)).not.toContain('hunter2');
    expect(JSON.stringify(rawSecret)).not.toContain(Buffer.from('hunter2').toString('base64'));
    expect(JSON.parse(object.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] as string)).toEqual({ data: { password: '<redacted>' } });
  });

  it('keeps the pod index current', () => {
    expect(collector.index.podByIp('10.1.0.5')).toMatchObject({ name: 'checkout-7d9f-a', namespace: 'shop', uid: podA.metadata.uid, cluster: 'it-cluster' });
    expect(collector.index.podByContainerId('containerd://aaa111')?.uid).toBe(podA.metadata.uid);
    expect(collector.index.podByContainerId('aaa111')?.name).toBe('checkout-7d9f-a');
    expect(collector.index.podsOnNode('node-a').map((p) => p.name)).toEqual(['checkout-7d9f-a']);
    expect(collector.health()).toMatchObject({ status: 'ok' });
  });

  it('streams updates, deletions and repeated Events as they happen', async () => {
    const current = await mock.request<Record<string, unknown> & { spec: { template: { spec: { containers: { image: string }[] } } } }>(
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments/checkout',
    );
    current.spec.template.spec.containers[0]!.image = 'shop/checkout:1.1';
    await mock.request('PUT', '/apis/apps/v1/namespaces/shop/deployments/checkout', current);
    const cm = await mock.request<{ data: Record<string, string> }>('GET', '/api/v1/namespaces/shop/configmaps/checkout-config');
    cm.data['application.yaml'] = 'timeout: 0s';
    await mock.request('PUT', '/api/v1/namespaces/shop/configmaps/checkout-config', cm);
    const backOff = await create(event('shop', 'checkout-7d9f-a.backoff', { kind: 'Pod', name: 'checkout-7d9f-a', uid: podA.metadata.uid }, 'BackOff', 1));
    await mock.request('PUT', '/api/v1/namespaces/shop/events/checkout-7d9f-a.backoff', {
      ...event('shop', 'checkout-7d9f-a.backoff', { kind: 'Pod', name: 'checkout-7d9f-a', uid: podA.metadata.uid }, 'BackOff', 3),
      metadata: { ...backOff.metadata, namespace: 'shop' },
    });
    await mock.request('DELETE', '/api/v1/namespaces/shop/pods/checkout-7d9f-a');

    await sink.waitFor('deployment, configmap, event and pod changes', (events) =>
      events.some((e) => e.type === 'DELETED' && e.data.object.kind === 'Pod') &&
      events.filter((e) => e.data.object.kind === 'Event').length >= 2 &&
      events.some((e) => e.type === 'MODIFIED' && e.data.object.kind === 'ConfigMap') &&
      events.some((e) => e.type === 'MODIFIED' && e.data.object.kind === 'Deployment'),
    );
    const deploymentChange = sink.of('Deployment', 'checkout').find((e) => e.type === 'MODIFIED');
    expect(deploymentChange?.data.object['spec']).toMatchObject({ template: { spec: { containers: [{ image: 'shop/checkout:1.1' }] } } });
    expect(sink.of('ConfigMap', 'checkout-config').map((e) => [e.type, (e.data.object['data'] as Record<string, string>)['application.yaml']])).toEqual([
      ['ADDED', 'timeout: 5s'],
      ['MODIFIED', 'timeout: 0s'],
    ]);
    expect(sink.of('Event', 'checkout-7d9f-a.backoff').map((e) => [e.type, e.data.object['count']])).toEqual([
      ['ADDED', 1],
      ['MODIFIED', 3],
    ]);
    const deleted = sink.of('Pod', 'checkout-7d9f-a').filter((e) => e.type === 'DELETED');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]?.data.object.metadata.uid).toBe(podA.metadata.uid);
    await waitUntil('pod to leave the index', () => collector.index.podByIp('10.1.0.5') === undefined);
    expect(collector.index.podsOnNode('node-a')).toEqual([]);
  });

  it('streams changes and deletions of ReplicaSets, Services, Deployments and Events', async () => {
    const replicas = await mock.request<Record<string, unknown> & { spec: { replicas: number } }>('GET', '/apis/apps/v1/namespaces/shop/replicasets/checkout-7d9f');
    replicas.spec.replicas = 3;
    await mock.request('PUT', '/apis/apps/v1/namespaces/shop/replicasets/checkout-7d9f', replicas);
    const svc = await mock.request<Record<string, unknown> & { spec: { selector: Record<string, string> } }>('GET', '/api/v1/namespaces/shop/services/checkout');
    svc.spec.selector = { app: 'checkout-v2' };
    await mock.request('PUT', '/api/v1/namespaces/shop/services/checkout', svc);
    await mock.request('DELETE', '/apis/apps/v1/namespaces/shop/replicasets/checkout-7d9f');
    await mock.request('DELETE', '/api/v1/namespaces/shop/services/checkout');
    await mock.request('DELETE', '/apis/apps/v1/namespaces/shop/deployments/checkout');
    await mock.request('DELETE', '/api/v1/namespaces/shop/events/checkout-7d9f-a.backoff');

    const verbs = (kind: string, name: string) => sink.of(kind, name).map((event) => event.type);
    await sink.waitFor('the deletions', () =>
      [['ReplicaSet', 'checkout-7d9f'], ['Service', 'checkout'], ['Deployment', 'checkout'], ['Event', 'checkout-7d9f-a.backoff']].every(([kind, name]) => verbs(kind as string, name as string).includes('DELETED')),
    );
    expect(verbs('ReplicaSet', 'checkout-7d9f')).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(sink.of('ReplicaSet', 'checkout-7d9f')[1]?.data.object['spec']).toMatchObject({ replicas: 3 });
    expect(verbs('Service', 'checkout')).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(sink.of('Service', 'checkout')[1]?.data.object['spec']).toMatchObject({ selector: { app: 'checkout-v2' } });
    expect(verbs('Deployment', 'checkout')).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(verbs('Event', 'checkout-7d9f-a.backoff')).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('feeds the kubeapi transformer: lifecycle, semantic diffs and Event signals come out as UnifiedEvents', () => {
    const unified = unifiedEventsOf(sink.events, 'it-cluster');
    for (const event of unified) expect(UnifiedEvent.safeParse(event).success).toBe(true);
    const of = (type: string, name: string) => unified.filter((event) => event.type === type && event.entity?.name === name);
    expect(of('config_changed', 'checkout-config')).toHaveLength(1);
    expect(of('config_changed', 'checkout-config')[0]?.kubernetes?.changes).toEqual([{ path: 'data.application.yaml', op: 'changed', lines: [{ line: 1, before: 'timeout: 5s', after: 'timeout: 0s' }] }]);
    const template = of('workload_spec_changed', 'checkout');
    expect(template).toHaveLength(1);
    expect(JSON.stringify(template[0]?.kubernetes?.changes)).toContain('shop/checkout:1.1');
    expect(of('resource_deleted', 'checkout-7d9f-a')).toHaveLength(1);
    expect(of('service_changed', 'checkout')).toHaveLength(1);
    for (const name of ['checkout-7d9f', 'checkout']) expect(of('resource_deleted', name).length).toBeGreaterThan(0);
    expect(unified.filter((event) => event.type === 'crash_loop').length).toBeGreaterThan(0);
    expect(unified.every((event) => event.entity === undefined || event.entity.cluster === 'it-cluster')).toBe(true);
  });

  it('emits each change once (no duplicates from the watch replaying state)', () => {
    const seen = new Set<string>();
    for (const e of sink.events) {
      const key = `${e.type}:${e.data.object.metadata.uid}:${e.data.object.metadata.resourceVersion}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });
});

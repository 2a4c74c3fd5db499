import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestCluster, type TestCluster } from '../../../../tools/k8s/test-cluster.mjs';
import { KubeApiCollector, WATCHED_RESOURCES } from '../src/index.js';
import { CollectingSink, syncedWithin, waitUntil } from './support/collecting-sink.js';
import { webWorkloadYaml } from './support/web-workload.js';

// The collector against a real kube-apiserver (tools/k8s, docs/test-cluster.md), under the
// identity deploy/rbac.yaml grants: a token of the tapio-kubeapi-collector ServiceAccount.
describe('kubeapi collector against a real Kubernetes API server', () => {
  let cluster: TestCluster;
  let collector: KubeApiCollector;
  const sink = new CollectingSink();
  const ns = `kubeapi-it-${randomBytes(3).toString('hex')}`;
  const configMaps = Array.from({ length: 7 }, (_, index) => `settings-${index}`);

  const apply = (yaml: string) => cluster.kubectl(['apply', '-f', '-'], { input: yaml });

  beforeAll(async () => {
    cluster = await useTestCluster();
    await cluster.kubectl(['create', 'namespace', ns]);
    for (const name of configMaps) await cluster.kubectl(['-n', ns, 'create', 'configmap', name, '--from-literal=mode=a']);
    await apply(webWorkloadYaml(ns));
    await cluster.kubectl(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=90s']);

    collector = new KubeApiCollector({
      cluster: 'real-cluster',
      kubeconfig: cluster.tapioKubeconfig,
      // Small pages: every kind with more than two objects is listed through continue tokens.
      listPageSize: 2,
      watchTimeoutSeconds: 5,
    });
    await collector.start(sink);
    await syncedWithin(collector, 60_000);
  });

  afterAll(async () => {
    await collector?.stop();
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']);
  });

  it('lists and watches every watched kind with no Forbidden (or any other) failure', () => {
    const statuses = collector.informerStatuses();
    // Every kind watched by default (the optional ones are not granted by deploy/rbac.yaml).
    const watchedByDefault = WATCHED_RESOURCES.filter((resource) => resource.optional !== true).map((resource) => resource.id);
    expect(statuses.map((status) => status.resource).sort()).toEqual(watchedByDefault.sort());
    for (const status of statuses) {
      expect(status.error, `${status.resource}: ${status.error?.message}`).toBeUndefined();
      expect(status.synced, status.resource).toBe(true);
    }
    expect(collector.health().status).toBe('ok');
  });

  it('pages through lists with continue tokens and delivers each object once', () => {
    for (const name of configMaps) {
      expect(sink.of('ConfigMap', name).filter((event) => event.data.object.metadata.namespace === ns && event.type === 'ADDED'), name).toHaveLength(1);
    }
    // What the controllers, the scheduler and the kubelet made of the Deployment.
    const ours = (kind: string) => sink.events.filter((event) => event.data.object.kind === kind && event.data.object.metadata.namespace === ns);
    for (const kind of ['Deployment', 'ReplicaSet', 'Pod', 'Service', 'Endpoints', 'EndpointSlice', 'Event']) {
      expect(ours(kind).length, kind).toBeGreaterThan(0);
    }
  });

  it('sees a change made after the initial list through the watch', async () => {
    await cluster.kubectl(['-n', ns, 'patch', 'configmap', 'settings-3', '--type=merge', '-p', '{"data":{"mode":"b"}}']);
    await sink.waitFor('MODIFIED settings-3', (events) =>
      events.some((event) => event.type === 'MODIFIED' && event.data.object.metadata.name === 'settings-3' && event.data.object.metadata.namespace === ns));
  });

  it('follows bookmarks: a kind with no changes moves its resourceVersion without relisting', async () => {
    const quiet = () => collector.informerStatuses().find((status) => status.resource === 'PersistentVolume');
    const before = quiet();
    expect(before).toBeDefined();
    // Writes elsewhere raise the cluster's revision; only a BOOKMARK can carry it to the
    // PersistentVolume watch (this cluster has no volumes). A consistent list makes the API
    // server's PersistentVolume cache catch up with etcd (it asks etcd for a progress
    // notification), so the next bookmark names the new revision.
    await cluster.kubectl(['-n', ns, 'create', 'configmap', 'bookmark-trigger', '--from-literal=x=1']);
    await cluster.kubectl(['get', 'persistentvolumes']);
    await waitUntil('a bookmark on the PersistentVolume watch', () => BigInt(quiet()?.resourceVersion ?? '0') > BigInt(before?.resourceVersion ?? '0'), 30_000);
    expect(quiet()?.lists).toBe(before?.lists);
    expect(sink.events.filter((event) => event.data.object.kind === 'PersistentVolume')).toEqual([]);
  });
});

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnifiedEvent } from '@tapio/domain';
import { useTestCluster, type TestCluster } from '../../../../tools/k8s/test-cluster.mjs';
import { KubeApiCollector, recordTo } from '../src/index.js';
import { CollectingSink, syncedWithin, waitUntil, type KubeRawEvent } from './support/collecting-sink.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { unifiedEventsOf } from './support/transform.js';
import { webWorkloadYaml } from './support/web-workload.js';

/**
 * Issue 21 on a real kube-apiserver (tools/k8s), under deploy/rbac.yaml's identity: a watch
 * broken by the network resumes from its resourceVersion; one resumed after an etcd
 * compaction and an API server restart gets 410 and relists, losing and repeating nothing;
 * Secrets are read as metadata only; the new kinds, EndpointSlice signals and Lease folding;
 * `record` prints no listener warning and gives its starting state one timestamp.
 */
describe('kubeapi collector on a real API server: resumed watches, 410, Secrets, new kinds', () => {
  let cluster: TestCluster;
  let proxy: TcpProxy;
  let kubeconfig: string;
  const ns = `kubeapi-rw-${randomBytes(3).toString('hex')}`;
  const kubectl = (...args: string[]) => cluster.kubectl(args);
  const inNs = (event: KubeRawEvent) => event.data.object.metadata.namespace === ns;
  const collectors: KubeApiCollector[] = [];

  const start = async (kinds: string[], sink: CollectingSink): Promise<KubeApiCollector> => {
    const collector = new KubeApiCollector({ cluster: 'real', kubeconfig, kinds, watchTimeoutSeconds: 60, backoff: { initialMs: 200, maxMs: 1000 } });
    collectors.push(collector);
    await collector.start(sink);
    await syncedWithin(collector, 60_000);
    return collector;
  };
  const lists = (collector: KubeApiCollector) => collector.informerStatuses().reduce((sum, status) => sum + status.lists, 0);
  const endpointsListReadyPod = async (service: string): Promise<void> => {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const endpoints = await kubectl('-n', ns, 'get', 'endpoints', service, '-o', 'jsonpath={.subsets[*].addresses[*].ip}').catch(() => '');
      const slices = await kubectl('-n', ns, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${service}`, '-o', 'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[*]}').catch(() => '');
      if (endpoints.trim() !== '' && slices.trim() !== '') return;
      if (Date.now() > deadline) throw new Error(`timed out after 90000 ms waiting for Service ${ns}/${service}'s Endpoints and EndpointSlice to list a ready pod (Endpoints: '${endpoints.trim()}', slices: '${slices.trim()}')`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const failures = (collector: KubeApiCollector) => collector.informerStatuses().filter((status) => status.error?.failure === 'forbidden');

  beforeAll(async () => {
    cluster = await useTestCluster();
    const server = new URL(cluster.server);
    // The collector reaches the API server through a proxy the test can cut (127.0.0.1 is in its certificate).
    proxy = new TcpProxy(Number(server.port), server.hostname);
    await proxy.start();
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'tapio-rw-')), 'kubeconfig');
    writeFileSync(kubeconfig, readFileSync(cluster.tapioKubeconfig, 'utf8').replace(cluster.server, `https://127.0.0.1:${proxy.port}`), { mode: 0o600 });
    await kubectl('create', 'namespace', ns);
  }, 300_000);

  afterAll(async () => {
    for (const collector of collectors) await collector.stop();
    await proxy?.stop();
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']);
  }, 180_000);

  it('resumes a watch broken by the network from its resourceVersion: every change made meanwhile arrives once, deletions included, without a relist', async () => {
    for (const name of ['edited', 'doomed']) await kubectl('-n', ns, 'create', 'configmap', name, '--from-literal=v=1');
    const sink = new CollectingSink();
    const collector = await start(['ConfigMap'], sink);
    const listsBefore = lists(collector);
    const before = sink.events.length;
    await proxy.cut();
    await waitUntil('the broken watch to show in health', () => collector.health().status === 'degraded', 30_000);
    await kubectl('-n', ns, 'patch', 'configmap', 'edited', '--type=merge', '-p', '{"data":{"v":"2"}}');
    await kubectl('-n', ns, 'delete', 'configmap', 'doomed');
    await kubectl('-n', ns, 'create', 'configmap', 'born', '--from-literal=v=1');
    await proxy.restore();
    await sink.waitFor('the changes made while cut off', (events) => events.slice(before).filter(inNs).length >= 3, 60_000);
    await waitUntil('health to recover', () => collector.health().status === 'ok', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const missed = sink.events.slice(before).filter(inNs).map((event) => `${event.type} ${event.data.object.metadata.name}`);
    expect(missed).toEqual(['MODIFIED edited', 'DELETED doomed', 'ADDED born']);
    expect(lists(collector)).toBe(listsBefore);
    expect(failures(collector)).toEqual([]);
  }, 180_000);

  it('a watch resumed after an etcd compaction and an API server restart gets 410 and relists, losing and repeating no change', async () => {
    for (const name of ['a-kept', 'a-edited', 'a-doomed']) await kubectl('-n', ns, 'create', 'configmap', name, '--from-literal=v=1');
    const sink = new CollectingSink();
    const collector = await start(['ConfigMap'], sink);
    const listsBefore = lists(collector);
    const before = sink.events.length;
    await proxy.cut();
    await kubectl('-n', ns, 'patch', 'configmap', 'a-edited', '--type=merge', '-p', '{"data":{"v":"2"}}');
    await kubectl('-n', ns, 'delete', 'configmap', 'a-doomed');
    await kubectl('-n', ns, 'create', 'configmap', 'a-born', '--from-literal=v=1');
    await cluster.compactAndRestartApiServer();
    await proxy.restore();
    await waitUntil('a relist after 410', () => lists(collector) > listsBefore, 90_000);
    await sink.waitFor('the changes made before the compaction', (events) => events.slice(before).filter(inNs).length >= 3, 60_000);
    await waitUntil('health to recover', () => collector.health().status === 'ok', 60_000);
    // A change after the relist comes through the new watch.
    await kubectl('-n', ns, 'patch', 'configmap', 'a-kept', '--type=merge', '-p', '{"data":{"v":"3"}}');
    await sink.waitFor('a change after the relist', (events) => events.some((event) => inNs(event) && event.type === 'MODIFIED' && event.data.object.metadata.name === 'a-kept'), 60_000);
    const changes = sink.events.slice(before).filter(inNs).map((event) => `${event.type} ${event.data.object.metadata.name}`);
    expect(changes.sort()).toEqual(['ADDED a-born', 'DELETED a-doomed', 'MODIFIED a-edited', 'MODIFIED a-kept'].sort());
    const keys = sink.events.map((event) => `${event.type}:${event.data.object.metadata.uid}:${event.data.object.metadata.resourceVersion}`);
    expect(keys.length).toBe(new Set(keys).size);
    expect(failures(collector)).toEqual([]);
  }, 180_000);

  it('reads Secrets as metadata only: a rotation shows as secret_changed, its value and keys-by-value never arrive', async () => {
    const planted = `planted-${randomUUID()}`;
    const rotated = `rotated-${randomUUID()}`;
    const sink = new CollectingSink();
    const collector = await start(['Secret'], sink);
    await kubectl('-n', ns, 'create', 'secret', 'generic', 'db', `--from-literal=password=${planted}`);
    await sink.waitFor('the Secret', (events) => events.some((event) => inNs(event) && event.data.object.metadata.name === 'db'), 30_000);
    const applied = await cluster.kubectl(['-n', ns, 'create', 'secret', 'generic', 'db', `--from-literal=password=${rotated}`, '--dry-run=client', '-o', 'yaml']);
    await cluster.kubectl(['-n', ns, 'apply', '-f', '-'], { input: applied });
    await sink.waitFor('the rotation', (events) => events.filter((event) => inNs(event) && event.data.object.metadata.name === 'db').length >= 2, 30_000);
    const secrets = sink.of('Secret', 'db').filter(inNs);
    for (const event of secrets) expect(Object.keys(event.data.object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
    const text = JSON.stringify(sink.events);
    for (const value of [planted, rotated]) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(Buffer.from(value).toString('base64'));
    }
    const unified = unifiedEventsOf(secrets, 'real');
    expect(unified.map((event) => event.type)).toContain('secret_changed');
    expect(JSON.stringify(unified)).not.toContain(planted);
    expect(failures(collector)).toEqual([]);
  }, 180_000);

  it('with keyed fingerprints opted in, names the rotated key, and only HMACs of values arrive', async () => {
    const planted = `planted-${randomUUID()}`;
    const rotated = `rotated-${randomUUID()}`;
    const keyDir = mkdtempSync(join(tmpdir(), 'tapio-rw-key-'));
    writeFileSync(join(keyDir, 'key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    const sink = new CollectingSink();
    const collector = new KubeApiCollector({ cluster: 'real', kubeconfig, kinds: ['Secret'], secrets: { read: 'fingerprints', fingerprintKey: { file: join(keyDir, 'key') } } });
    collectors.push(collector);
    await collector.start(sink);
    await syncedWithin(collector, 60_000);
    await kubectl('-n', ns, 'create', 'secret', 'generic', 'fp', `--from-literal=password=${planted}`, '--from-literal=user=app');
    await sink.waitFor('the Secret', (events) => events.some((event) => inNs(event) && event.data.object.metadata.name === 'fp'), 30_000);
    await kubectl('-n', ns, 'patch', 'secret', 'fp', '--type=merge', '-p', JSON.stringify({ stringData: { password: rotated } }));
    await sink.waitFor('the rotation', (events) => events.filter((event) => inNs(event) && event.data.object.metadata.name === 'fp').length >= 2, 30_000);
    const secrets = sink.of('Secret', 'fp').filter(inNs);
    for (const event of secrets) {
      for (const value of Object.values(event.data.object['data'] as Record<string, string>)) expect(value).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    }
    const text = JSON.stringify(sink.events);
    for (const value of [planted, rotated]) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(Buffer.from(value).toString('base64'));
      expect(text).not.toContain(createHash('sha256').update(value).digest('hex'));
    }
    const changed = unifiedEventsOf(secrets, 'real').filter((event) => event.type === 'secret_changed');
    expect(changed.map((event) => event.message)).toEqual([`Secret ${ns}/fp changed: data key password edited`]);
    expect(failures(collector)).toEqual([]);
  }, 180_000);

  it('watches quotas, limits, disruption budgets and Leases: quota changes are configuration changes, renewals are folded, a Service signal names the Service', async () => {
    await cluster.kubectl(['-n', ns, 'apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: ResourceQuota
metadata: { name: pods, namespace: ${ns} }
spec: { hard: { pods: "10" } }
---
apiVersion: v1
kind: LimitRange
metadata: { name: limits, namespace: ${ns} }
spec: { limits: [{ type: Container, max: { memory: 1Gi } }] }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web, namespace: ${ns} }
spec: { minAvailable: 1, selector: { matchLabels: { app: web } } }
---
${webWorkloadYaml(ns, '{ limits: { memory: 64Mi, cpu: 100m } }')}`,
    });
    await kubectl('-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=90s');
    // A finished rollout does not mean the endpoint controllers have caught up: under load
    // the Endpoints and EndpointSlice of `web` were created only after the scale-down, already
    // empty, so no MODIFIED ever came. Start watching once both list the ready pod.
    await endpointsListReadyPod('web');
    const sink = new CollectingSink();
    const collector = await start(['ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'PriorityClass', 'StorageClass', 'VolumeAttachment', 'ControllerRevision', 'Lease', 'Endpoints', 'EndpointSlice', 'Pod'], sink);
    expect(collector.informerStatuses().filter((status) => status.error !== undefined)).toEqual([]);
    await kubectl('-n', ns, 'patch', 'resourcequota', 'pods', '--type=merge', '-p', '{"spec":{"hard":{"pods":"4"}}}');
    await kubectl('-n', ns, 'scale', 'deployment/web', '--replicas=0');
    await sink.waitFor('the quota change and the emptied endpoints', (events) =>
      events.some((event) => inNs(event) && event.data.object.kind === 'ResourceQuota' && event.type === 'MODIFIED') &&
      events.some((event) => inNs(event) && event.data.object.kind === 'EndpointSlice' && event.type === 'MODIFIED' && JSON.stringify(event.data.object['endpoints'] ?? []) === '[]') &&
      events.some((event) => inNs(event) && event.data.object.kind === 'Endpoints' && event.type === 'MODIFIED'), 60_000);
    // Node heartbeats renew every 10 s: let a few pass.
    await new Promise((resolve) => setTimeout(resolve, 25_000));
    const unified: UnifiedEvent[] = unifiedEventsOf(sink.events, 'real');
    // Other test runs may share the cluster: only this namespace's signals count (and every node's heartbeat).
    const about = (type: string) => unified.filter((event) => event.type === type && (event.entity?.namespace ?? ns) === ns).map((event) => `${event.entity?.kind}/${event.entity?.namespace ?? ''}/${event.entity?.name}`);
    expect(about('quota_changed')).toEqual([`ResourceQuota/${ns}/pods`]);
    expect(about('service_unavailable')).toEqual([`Service/${ns}/web`]);
    const leaseLines = sink.events.filter((event) => event.data.object.kind === 'Lease' && event.type === 'MODIFIED');
    expect(leaseLines.length).toBeGreaterThan(0);
    // Renewals become no event at all, and no node missed its heartbeat.
    expect(unified.filter((event) => event.entity?.kind === 'Lease' && event.type !== 'resource_created' && event.type !== 'lease_holder_changed')).toEqual([]);
    expect(about('node_heartbeat_missed')).toEqual([]);
    expect(failures(collector)).toEqual([]);
  }, 180_000);

  it('record: no listener warning, the starting state under one timestamp and first in the file', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const file = join(mkdtempSync(join(tmpdir(), 'tapio-rw-rec-')), 'recording.ndjson');
    try {
      await recordTo(file, { config: { cluster: 'real', kubeconfig }, durationMs: 8000 });
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as KubeRawEvent);
    const first = lines[0]?.timestamp as string;
    // Timestamps are whole seconds: a change seen in the recording's first second (a lease
    // renewed while the kinds were listed) is written after the starting state under the same
    // timestamp. So the starting state is the leading run of ADDED lines under it.
    const end = lines.findIndex((line) => line.timestamp !== first || line.type !== 'ADDED');
    const starting = end === -1 ? lines : lines.slice(0, end);
    expect(starting.length).toBeGreaterThan(50);
    expect(new Set(starting.map((line) => line.data.object.kind)).size).toBeGreaterThan(10);
    // And it is whole, before any change: no object that existed before the recording began
    // (created in an earlier second) is listed after it.
    const createdBefore = (line: KubeRawEvent) => Date.parse(String(line.data.object.metadata['creationTimestamp'] ?? '')) < Date.parse(first);
    const listedLate = lines.slice(starting.length).filter((line) => line.timestamp === first && line.type === 'ADDED' && createdBefore(line));
    expect(listedLate.map((line) => `${line.data.object.kind} ${line.data.object.metadata.name}`)).toEqual([]);
    const times = lines.map((line) => Date.parse(line.timestamp));
    expect(times.every((time, index) => index === 0 || time >= (times[index - 1] as number))).toBe(true);
  }, 120_000);
});

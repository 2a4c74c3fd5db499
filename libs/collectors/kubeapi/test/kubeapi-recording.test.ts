import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawEvent, type RawEventSink } from '@tapio/domain';
import { KubeApiCollector, NdjsonRecordingSink, recordTo } from '../src/index.js';
import { CollectingSink, syncedWithin } from './support/collecting-sink.js';
import { startKubeMock, type KubeMock } from './support/kube-mock-server.js';
import { collectionOf, configMap, deployment, namespace, pod, secret } from './support/objects.js';
import { unifiedEventsOf } from './support/transform.js';

async function waitForFileToContain(file: string, text: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes(text)) return;
    if (Date.now() > deadline) throw new Error(`${file} did not contain ${text} within ${withinMs} ms`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

describe('recordings made by the kubeapi collector', () => {
  let mock: KubeMock;
  let dir: string;
  const create = (object: Parameters<typeof collectionOf>[0]) => mock.request('POST', collectionOf(object), object);
  const readRecording = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => RawEvent.parse(JSON.parse(line)));

  beforeAll(async () => {
    mock = await startKubeMock();
    dir = mkdtempSync(join(tmpdir(), 'tapio-kubeapi-recording-'));
    await create(namespace('shop'));
    await create(deployment('shop', 'checkout', 'shop/checkout:1.0'));
    await create(pod('shop', 'checkout-a', { ip: '10.3.0.1', nodeName: 'node-a', containerId: 'c0ffee', app: 'checkout' }));
    await create(configMap('shop', 'checkout-config', { 'application.yaml': 'timeout: 5s' }));
    await create(secret('shop', 'checkout-db', { password: 'hunter2' }));
  });
  afterAll(async () => {
    await mock?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recordTo writes the starting state as parseable kubeapi RawEvents', async () => {
    const file = join(dir, 'start.ndjson');
    const summary = await recordTo(file, { config: { cluster: 'rec', kubeconfig: mock.writeKubeconfig(), watchTransport: 'websocket' } });
    const events = readRecording(file);
    expect(summary.events).toBe(events.length);
    expect(events.map((event) => `${event.type} ${(event.data as { object: { kind: string } }).object.kind}`).sort()).toEqual(
      ['ADDED ConfigMap', 'ADDED Deployment', 'ADDED Namespace', 'ADDED Pod', 'ADDED Secret'].sort(),
    );
    expect(events.every((event) => event.source === 'kubeapi' && event.metadata['cluster'] === 'rec')).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain(Buffer.from('hunter2').toString('base64'));
  });

  it('recordTo keeps recording changes until its duration ends', async () => {
    const file = join(dir, 'changes.ndjson');
    const startedAt = Date.now();
    const durationMs = 12_000;
    const recording = recordTo(file, { config: { cluster: 'rec', kubeconfig: mock.writeKubeconfig(), watchTransport: 'websocket', kinds: ['ConfigMap'] }, durationMs });
    // The change must come after the starting state is written, whatever the machine's load:
    // wait for the initial list to reach the file rather than for a fixed time.
    await waitForFileToContain(file, 'checkout-config', 60_000);
    // The duration counts from the starting state on (recordTo starts its clock there).
    const syncedAt = Date.now();
    // The mock API server (fabric8, CRUD mode) does not replay what changed between the list
    // and the opening of the watch, as a real API server does from the list's
    // resourceVersion: keep changing the object until the watch has reported it.
    await create(configMap('shop', 'late', { k: 'v0' }));
    for (let round = 1; !readFileSync(file, 'utf8').includes('"late"'); round += 1) {
      if (Date.now() - syncedAt > durationMs - 2_000) throw new Error('the watch never reported a change of ConfigMap shop/late');
      await new Promise((done) => setTimeout(done, 300));
      const late = await mock.request<{ data: Record<string, string> }>('GET', '/api/v1/namespaces/shop/configmaps/late');
      late.data['k'] = `v${round}`;
      await mock.request('PUT', '/api/v1/namespaces/shop/configmaps/late', late);
    }
    await recording;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(durationMs - 50);
    expect(Date.now() - syncedAt, 'the recording lasts its duration after the starting state').toBeGreaterThanOrEqual(durationMs - 1_000);
    const names = readRecording(file).map((event) => `${event.type} ${(event.data as { object: { metadata: { name: string } } }).object.metadata.name}`);
    expect(names[0]).toBe('ADDED checkout-config');
    expect(names.length).toBeGreaterThan(1);
    expect(names.slice(1).every((name) => /^(ADDED|MODIFIED) late$/.test(name)), names.join(', ')).toBe(true);
  });

  it('a recording replays to the very events the collector emitted, and to the same UnifiedEvents', async () => {
    const file = join(dir, 'replay.ndjson');
    const live = new CollectingSink();
    const recorder = new NdjsonRecordingSink(file);
    const tee: RawEventSink = { emit: async (event) => (await live.emit(event), await recorder.emit(event)) };
    const collector = new KubeApiCollector({ cluster: 'rec', kubeconfig: mock.writeKubeconfig(), watchTransport: 'websocket' });
    await collector.start(tee);
    await syncedWithin(collector);
    const cm = await mock.request<{ data: Record<string, string> }>('GET', '/api/v1/namespaces/shop/configmaps/checkout-config');
    cm.data['application.yaml'] = 'timeout: 0s';
    await mock.request('PUT', '/api/v1/namespaces/shop/configmaps/checkout-config', cm);
    await mock.request('DELETE', '/api/v1/namespaces/shop/pods/checkout-a');
    await live.waitFor('the edit and the deletion', (events) => events.some((e) => e.type === 'DELETED') && events.some((e) => e.type === 'MODIFIED'));
    await collector.stop();
    await recorder.close();

    const replayed = readRecording(file);
    expect(replayed).toEqual(live.events);
    const liveUnified = unifiedEventsOf(live.events, 'rec');
    expect(unifiedEventsOf(replayed, 'rec')).toEqual(liveUnified);
    expect(liveUnified.map((event) => event.type)).toEqual(expect.arrayContaining(['config_changed', 'resource_deleted']));
  });
});

import { execFile } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { CollectingRawEventSink, MemoryDeadLetters, type RawEvent, type RawEventSink, type TransformContext } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandaloneContainerd } from '../../../../tools/containerd/standalone-containerd.mjs';
import { CriCollector, CriTransformer, loadContainerdProtos, type CriCollectorConfigInput } from '../src/index.js';

const run = Math.random().toString(36).slice(2, 8);
let containerd: StandaloneContainerd;
let image: string;

const newSink = () => new CollectingRawEventSink(15_000);

const context: TransformContext = { eventId: (raw, discriminator) => `${raw.type}|${raw.timestamp}|${discriminator}`, processedAt: new Date().toISOString(), cluster: 'test' };
const containerOf = (event: RawEvent) => (event.data as { workload?: { containerId?: string } }).workload?.containerId;

async function waitUntil(description: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${description} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `ctr run` a container labelled as the CRI labels a pod's container; returns its exit code. */
function runPodContainer(id: string, pod: string, container: string, script: string, extra: string[] = []): Promise<number> {
  const labels = [`io.kubernetes.pod.name=${pod}`, 'io.kubernetes.pod.namespace=shop', `io.kubernetes.pod.uid=uid-${pod}`, `io.kubernetes.container.name=${container}`, 'io.cri-containerd.kind=container'];
  const args = ['--address', containerd.address, '--namespace', 'k8s.io', 'run', '--rm', '--snapshotter', 'native', ...labels.flatMap((label) => ['--label', label]), ...extra, image, id, '/bin/sh', '-c', script];
  // Asynchronous, so the collector handles events (and reads labels) while the container lives, as on a node.
  return new Promise((resolve) => execFile('ctr', args, (error) => resolve(error ? Number((error as { code?: number }).code) : 0)));
}

type Publisher = grpc.Client & { Publish: (request: unknown, metadata: grpc.Metadata, callback: (error: Error | null) => void) => void };

/** Another client publishing on the same containerd, as a shim or plugin would. */
function publisher(): { publish(topic: string, typeUrl: string, value: Buffer): Promise<void>; close(): void } {
  const definition = grpc.loadPackageDefinition(loadContainerdProtos().services) as unknown as { containerd: { services: { events: { v1: { Events: new (address: string, credentials: grpc.ChannelCredentials) => Publisher } } } } };
  const client = new definition.containerd.services.events.v1.Events(`unix://${containerd.address}`, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('containerd-namespace', 'k8s.io');
  return {
    publish: (topic, typeUrl, value) => new Promise<void>((resolve, reject) => client.Publish({ topic, event: { type_url: typeUrl, value } }, metadata, (error) => (error ? reject(error) : resolve()))),
    close: () => client.close(),
  };
}

/**
 * Starts the collector and waits until its subscription is live (containerd does not replay
 * events to late subscribers): publishes events on a topic Tapio ignores until one arrives.
 */
async function started(collector: CriCollector, sink: RawEventSink): Promise<void> {
  await collector.start(sink);
  const sync = publisher();
  try {
    const deadline = Date.now() + 10_000;
    while (collector.counters.received === 0) {
      if (Date.now() > deadline) throw new Error(`collector not subscribed within 10 s: ${collector.health().reason ?? ''}`);
      await sync.publish('/tapio/sync', 'containerd.events.ContainerDelete', Buffer.alloc(0));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    sync.close();
  }
}

function config(extra: CriCollectorConfigInput = {}): CriCollectorConfigInput {
  return { nodeName: 'node-1', address: containerd.address, retryMs: 100, circuit: { failures: 2, halfOpenAfterMs: 500 }, ...extra };
}

beforeAll(async () => {
  containerd = StandaloneContainerd.create();
  await containerd.start();
  image = containerd.importBusybox();
});

afterAll(async () => {
  await containerd?.stop();
});

describe('CRI collector on a real containerd', () => {
  it('reports create, start, exit with its code and delete, attributed to the pod through the CRI labels', async () => {
    const sink = newSink();
    const collector = new CriCollector(config());
    await started(collector, sink);
    try {
      expect(collector.health().status).toBe('ok');
      const id = `exit-${run}`;
      expect(await runPodContainer(id, 'cart-1', 'app', 'exit 3')).toBe(3);
      await sink.waitFor('container delete', (event) => event.type === 'container_delete' && containerOf(event) === id);
      const mine = sink.events.filter((event) => containerOf(event) === id);
      expect(mine.map((event) => event.type)).toEqual(['container_create', 'task_start', 'task_exit', 'container_delete']);
      expect(mine[2]?.metadata).toMatchObject({ node: 'node-1', k8s_kind: 'Pod', k8s_name: 'cart-1', k8s_namespace: 'shop', k8s_uid: 'uid-cart-1' });

      const events = mine.flatMap((raw) => new CriTransformer().transform(raw, context));
      expect(events.map((event) => event.type)).toEqual(['container_created', 'container_started', 'container_exited', 'container_deleted']);
      expect(events[2]).toMatchObject({ entity: { kind: 'Pod', name: 'cart-1', namespace: 'shop' }, kubernetes: { container: 'app', exitCode: 3 }, severity: 'medium' });
      expect(events[2]?.message).toBe('Container app of pod shop/cart-1 exited with code 3');
    } finally {
      await collector.stop();
    }
  });

  it('reports an OOM kill under a tiny memory limit as oom_killed of the pod and container', async () => {
    const sink = newSink();
    const collector = new CriCollector(config());
    await started(collector, sink);
    try {
      const id = `oom-${run}`;
      // dd's 64 MiB block buffer does not fit in 8 MB: the kernel kills dd, the shell exits with 137.
      const code = await runPodContainer(id, 'hog-1', 'hog', 'dd if=/dev/zero of=/dev/null bs=64M count=1; exit $?', ['--memory-limit', String(8 * 1024 * 1024)]);
      expect(code).toBe(137);
      const oom = await sink.waitFor('task OOM', (event) => event.type === 'task_oom' && containerOf(event) === id);
      const [event] = new CriTransformer().transform(oom, context);
      expect(event).toMatchObject({ type: 'oom_killed', entity: { kind: 'Pod', name: 'hog-1', namespace: 'shop', uid: 'uid-hog-1' }, kubernetes: { container: 'hog', reason: 'OOMKilled' }, k8sContext: { nodeName: 'node-1' } });
    } finally {
      await collector.stop();
    }
  });

  it('reports image events and dead-letters events it cannot decode, and keeps running', async () => {
    const deadLetters = new MemoryDeadLetters();
    const sink = newSink();
    const collector = new CriCollector(config(), { deadLetters });
    await started(collector, sink);
    try {
      containerd.ctr(['images', 'tag', image, `tapio.local/other:${run}`]);
      const created = await sink.waitFor('image create', (event) => event.type === 'image_create' && JSON.stringify(event.data).includes(`other:${run}`));
      expect(new CriTransformer().transform(created, context)[0]).toMatchObject({ type: 'image_changed', entity: { kind: 'Node', name: 'node-1' } });

      // Another publisher on the same containerd: an event type containerd's protos do not define, and a TaskOOM of garbage bytes.
      const other = publisher();
      await other.publish('/tapio/test', 'tapio.test.Unknown', Buffer.from('x'));
      await other.publish('/tasks/oom', 'containerd.events.TaskOOM', Buffer.from([0x0a, 0xff]));
      other.close();
      await waitUntil('two dead letters', () => deadLetters.entries.length >= 2);
      expect(deadLetters.entries.map((entry) => entry.reason)).toEqual([
        'containerd event on topic /tapio/test cannot be decoded: unknown containerd event type "tapio.test.Unknown"',
        expect.stringMatching(/^containerd event on topic \/tasks\/oom cannot be decoded: /),
      ]);
      expect(deadLetters.entries[0]).toMatchObject({ stage: 'decode', source: 'cri', payload: { topic: '/tapio/test', typeUrl: 'tapio.test.Unknown' } });

      const id = `after-${run}`;
      await runPodContainer(id, 'after-1', 'app', 'exit 0');
      await sink.waitFor('events after the bad ones', (event) => event.type === 'task_exit' && containerOf(event) === id);
      expect(collector.health().status).toBe('ok');
    } finally {
      await collector.stop();
    }
  });

  it('turns degraded naming containerd while it is down, and recovers by itself', async () => {
    const sink = newSink();
    const collector = new CriCollector(config());
    await started(collector, sink);
    try {
      await containerd.kill();
      await waitUntil('degraded', () => collector.health().status === 'degraded');
      expect(collector.health().reason).toContain(`containerd`);
      expect(collector.health().reason).toContain(containerd.address);
      // Two failed subscriptions open the circuit: containerd is left alone until it half-opens.
      await waitUntil('the subscription circuit open', () => collector.health().details?.['circuitState'] === 'open');
      expect(collector.health().reason).toMatch(/; circuit collector:cri open since .*: restarts paused, next try in \d s$/);
      const connects = collector.counters.connects;
      await containerd.start();
      await waitUntil('ok again', () => collector.health().status === 'ok');
      expect(collector.health().details).toMatchObject({ circuitState: 'closed' });
      expect(Number(collector.health().details?.['circuitOpened'])).toBeGreaterThanOrEqual(1);
      expect(collector.counters.connects).toBe(connects + 1);
      const before = collector.counters.received;
      const sync = publisher();
      while (collector.counters.received === before) {
        await sync.publish('/tapio/sync', 'containerd.events.ContainerDelete', Buffer.alloc(0));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      sync.close();
      const id = `back-${run}`;
      await runPodContainer(id, 'back-1', 'app', 'exit 0');
      await sink.waitFor('events after containerd returned', (event) => event.type === 'task_exit' && containerOf(event) === id);
    } finally {
      await collector.stop();
    }
  });

  it('cannot start without containerd API protos, and says where they come from', async () => {
    const collector = new CriCollector(config({ protoDir: '/nonexistent' }));
    await expect(collector.start(newSink())).rejects.toThrow('containerd API protos not found under /nonexistent: run tools/setup.d/45-containerd-api.sh');
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityKey, makeUnifiedEvent, RawEvent, type EntityRef, type TopologyEdge, type UnifiedEvent } from '@tapio/domain';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { Pipeline, seedMappingTransformers } from '@tapio/pipeline';
import { GraphIngestor } from '@tapio/correlation';
import { DeadLetterStore, MemoryGraphStore } from '../src/index.js';

const RECORDINGS = new URL('../../../../examples/recordings/', import.meta.url);
const CLUSTER = 'prod-west';

function recording(name: string): RawEvent[] {
  return readFileSync(new URL(`${name}.ndjson`, RECORDINGS), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => RawEvent.parse(JSON.parse(line)));
}

/** Collector output -> pipeline -> ingestor -> store, the way the runtime wires them (minus the bus). */
class Replay {
  readonly deadLetters = new DeadLetterStore();
  readonly pipeline = new Pipeline({ transformers: [...seedMappingTransformers, new KubeApiTransformer()], deadLetters: this.deadLetters, cluster: CLUSTER });
  readonly ingestor: GraphIngestor;
  readonly produced: UnifiedEvent[] = [];

  constructor(readonly store: MemoryGraphStore) {
    this.ingestor = new GraphIngestor(store);
  }

  async feed(raws: readonly RawEvent[]): Promise<void> {
    for (const raw of raws) {
      const result = this.pipeline.transform(raw);
      if (!result.ok) throw new Error(`rejected: ${result.reason}`);
      this.produced.push(...result.events);
      for (const event of result.events) await this.ingestor.ingest([event]);
    }
  }
}

const ref = (kind: string, name: string, namespace: string | null = 'shop'): EntityRef => ({ kind, name, namespace, cluster: CLUSTER });
const key = (kind: string, name: string, namespace: string | null = 'shop') => entityKey(ref(kind, name, namespace));
const names = (refs: readonly EntityRef[]) => refs.map((item) => `${item.kind}/${item.name}`).sort();

function edges(all: TopologyEdge[], type: string, direction: 'from' | 'to', of: string): string[] {
  return all.filter((edge) => edge.type === type && edge[direction] === of).map((edge) => (direction === 'from' ? edge.to : edge.from)).sort();
}

/** The last state of an object in a recording, changed, as a new MODIFIED watch event. */
function modified(raws: readonly RawEvent[], kind: string, name: string, resourceVersion: string, change: (object: Record<string, any>) => void): RawEvent {
  const last = [...raws].reverse().find((raw) => {
    const object = (raw.data as { object: { kind: string; metadata: { name: string } } }).object;
    return object.kind === kind && object.metadata.name === name;
  });
  if (!last) throw new Error(`${kind} ${name} is not in the recording`);
  const object = structuredClone((last.data as { object: Record<string, any> }).object);
  object['metadata'].resourceVersion = resourceVersion;
  change(object);
  return RawEvent.parse({ ...last, timestamp: '2026-03-02T10:30:00Z', type: 'MODIFIED', data: { type: 'MODIFIED', object } });
}

describe('configmap-cascade replayed into the memory graph', () => {
  const raws = recording('configmap-cascade');
  const store = new MemoryGraphStore();
  const replay = new Replay(store);

  beforeAll(async () => {
    await store.start();
    await replay.feed(raws);
  });

  it('accepts every line', () => {
    expect(replay.deadLetters.count()).toBe(0);
    expect(replay.pipeline.stats().accepted).toBe(raws.length);
  });

  it('builds the OWNS chain Deployment -> ReplicaSet -> Pod', async () => {
    const context = await store.eventContext(replay.produced.find((event) => event.type === 'crash_loop' && event.entity?.name === 'checkout-h255j8bmp-5rkwm')?.id ?? '');
    expect(context?.ownershipChain.map((item) => `${item.kind}/${item.name}`)).toEqual(['ReplicaSet/checkout-h255j8bmp', 'Deployment/checkout']);
    const deployment = await store.edgesOf(key('Deployment', 'checkout'));
    expect(edges(deployment, 'OWNS', 'from', key('Deployment', 'checkout'))).toEqual(
      // the two live ReplicaSets plus the two older revisions the Deployment keeps
      ['checkout-7mk2kq9cl', 'checkout-h255j8bmp', 'checkout-mr4zh59pmf', 'checkout-ncwrcnsqv8'].map((name) => key('ReplicaSet', name)),
    );
  });

  it('links a pod to its ConfigMap (MOUNTS), Secret (USES_SECRET), Node (RUNS_ON) and Service (SELECTS)', async () => {
    const pod = key('Pod', 'checkout-h255j8bmp-5rkwm');
    const all = await store.edgesOf(pod);
    expect(edges(all, 'MOUNTS', 'from', pod)).toEqual([key('ConfigMap', 'checkout-config')]);
    expect(edges(all, 'USES_SECRET', 'from', pod)).toEqual([key('Secret', 'checkout-stripe')]);
    expect(edges(all, 'RUNS_ON', 'from', pod)).toHaveLength(1);
    expect(edges(all, 'RUNS_ON', 'from', pod)[0]).toMatch(new RegExp(`^${CLUSTER}/Node/_/node-[123]$`));
    expect(edges(all, 'SELECTS', 'to', pod)).toEqual([key('Service', 'checkout')]);
    const service = await store.edgesOf(key('Service', 'checkout'));
    expect(edges(service, 'SELECTS', 'from', key('Service', 'checkout'))).toEqual(
      ['checkout-7mk2kq9cl-6m28b', 'checkout-7mk2kq9cl-gt4jp', 'checkout-h255j8bmp-5rkwm', 'checkout-h255j8bmp-m6cqz'].map((name) => key('Pod', name)),
    );
  });

  it('removes every edge of a deleted pod and keeps it marked deleted', async () => {
    const pod = key('Pod', 'checkout-7mk2kq9cl-ksgxk');
    expect(await store.edgesOf(pod)).toEqual([]);
    expect((await store.resource(ref('Pod', 'checkout-7mk2kq9cl-ksgxk')))?.deleted).toBe(true);
    expect((await store.timeline(ref('Pod', 'checkout-7mk2kq9cl-ksgxk'), {})).map((event) => event.type)).toContain('resource_deleted');
  });

  it('answers impact(ConfigMap) with the mounting pods, their Deployment and the Service', async () => {
    const impact = await store.impact({ kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' });
    expect(impact.known).toBe(true);
    expect(names(impact.pods)).toEqual(['Pod/checkout-7mk2kq9cl-6m28b', 'Pod/checkout-7mk2kq9cl-gt4jp', 'Pod/checkout-h255j8bmp-5rkwm', 'Pod/checkout-h255j8bmp-m6cqz']);
    expect(names(impact.workloads)).toEqual(['Deployment/checkout']);
    expect(names(impact.services)).toEqual(['Service/checkout']);
    expect(impact.nodes.length).toBeGreaterThanOrEqual(2);
  });

  it("re-evaluates SELECTS when a pod's labels or a Service's selector change", async () => {
    const pod = key('Pod', 'checkout-7mk2kq9cl-gt4jp');
    const selectors = async () => edges(await store.edgesOf(pod), 'SELECTS', 'to', pod);
    await replay.feed([modified(raws, 'Pod', 'checkout-7mk2kq9cl-gt4jp', '900001', (object) => (object['metadata'].labels.app = 'checkout-quarantined'))]);
    expect(await selectors()).toEqual([]);
    await replay.feed([modified(raws, 'Pod', 'checkout-7mk2kq9cl-gt4jp', '900002', (object) => (object['metadata'].labels.app = 'checkout'))]);
    expect(await selectors()).toEqual([key('Service', 'checkout')]);

    await replay.feed([modified(raws, 'Service', 'cart', '900003', (object) => (object['spec'].selector = { app: 'checkout' }))]);
    expect(await selectors()).toEqual([key('Service', 'cart'), key('Service', 'checkout')]);
    const cart = await store.edgesOf(key('Service', 'cart'));
    expect(edges(cart, 'SELECTS', 'from', key('Service', 'cart')).every((target) => target.includes('/Pod/shop/checkout-'))).toBe(true);
  });

  it('is idempotent: writing the same events again changes no count', async () => {
    const before = await store.stats();
    await replay.ingestor.ingest(replay.produced);
    expect(await store.stats()).toEqual(before);
    await new GraphIngestor(store).ingest(replay.produced);
    expect(await store.stats()).toEqual(before);
  });
});

describe('MemoryGraphStore retention keeps memory bounded', () => {
  it('keeps at most maxEvents events, and their AFFECTS edges go with them', async () => {
    const store = new MemoryGraphStore({ retention: { maxEvents: 100 } });
    await store.start();
    const replay = new Replay(store);
    await replay.feed(recording('oom-cascade'));
    const stats = await store.stats();
    expect(replay.produced.length).toBeGreaterThan(500);
    expect(stats.events).toBe(100);
    const newest = await store.events({ limit: 1000 });
    expect(newest.items).toHaveLength(100);
    expect(new Set(newest.items.map((event) => event.id))).toEqual(new Set(replay.produced.slice(-100).map((event) => event.id)));
  });

  it('counts relationships of retained events only, however many were written', async () => {
    const store = new MemoryGraphStore({ retention: { maxEvents: 1000 } });
    const raw = RawEvent.parse({ timestamp: '2026-03-02T10:00:00Z', type: 'x', source: 'test', data: {} });
    const entity = ref('Pod', 'busy');
    for (let batch = 0; batch < 50; batch += 1) {
      const events = Array.from({ length: 1000 }, (_, index) => {
        const n = batch * 1000 + index;
        const at = new Date(Date.parse('2026-03-02T10:00:00Z') + n).toISOString();
        return makeUnifiedEvent(raw, { eventId: () => `e-${n}`, processedAt: at }, 'pod_restart', String(n), { message: 'restart', entity, timestamp: at });
      });
      await store.write({ events: events });
    }
    const stats = await store.stats();
    expect(stats.events).toBe(1000);
    expect(stats.relationships).toBe(1000);
    expect(stats.resources).toBe(1);
    expect(await store.timeline(entity, {})).toHaveLength(500);
  });

  it('drops events older than maxAge, measured from the newest event time', async () => {
    const store = new MemoryGraphStore({ retention: { maxAgeMs: 60_000 } });
    const replay = new Replay(store);
    await replay.feed(recording('oom-cascade'));
    const kept = await store.events({ limit: 1000 });
    const newest = Math.max(...replay.produced.map((event) => Date.parse(event.timestamp)));
    const oldest = Math.min(...replay.produced.map((event) => Date.parse(event.timestamp)));
    expect(newest - oldest).toBeGreaterThan(5 * 60_000);
    expect(kept.items.length).toBeGreaterThan(0);
    for (const event of kept.items) expect(Date.parse(event.timestamp)).toBeGreaterThanOrEqual(newest - 60_000);
    expect(kept.items.length).toBe(replay.produced.filter((event) => Date.parse(event.timestamp) >= newest - 60_000).length);
  });
});

describe('MemoryGraphStore snapshots', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-snapshot-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves on stop and restores the same graph on start', async () => {
    const snapshotFile = join(dir, 'graph.ndjson');
    const first = new MemoryGraphStore({ snapshotFile });
    await first.start();
    const replay = new Replay(first);
    await replay.feed(recording('configmap-cascade'));
    await first.stop();
    expect((await readFile(snapshotFile, 'utf8')).split('\n')[0]).toBe('{"format":"tapio-graph-snapshot","version":1}');

    const second = new MemoryGraphStore({ snapshotFile });
    await second.start();
    expect(await second.stats()).toEqual(await first.stats());
    const configMap = { kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' };
    expect(await second.impact(configMap)).toEqual(await first.impact(configMap));
    const pod = key('Pod', 'checkout-h255j8bmp-5rkwm');
    expect((await second.edgesOf(pod)).sort(byEdge)).toEqual((await first.edgesOf(pod)).sort(byEdge));
    const some = replay.produced[replay.produced.length - 1] as UnifiedEvent;
    expect(await second.event(some.id)).toEqual(some);
    expect((await second.events({ limit: 1000 })).items).toEqual((await first.events({ limit: 1000 })).items);
    await second.stop();
  });

  it('reports a corrupt snapshot naming the file and line', async () => {
    const snapshotFile = join(dir, 'corrupt.ndjson');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(snapshotFile, '{"format":"tapio-graph-snapshot","version":1}\n{"k":"event","v":{}}\n{not json\n');
    await expect(new MemoryGraphStore({ snapshotFile }).start()).rejects.toThrow(`graph snapshot ${snapshotFile}:3: not JSON`);
  });
});

function byEdge(a: TopologyEdge, b: TopologyEdge): number {
  return `${a.type}${a.from}${a.to}`.localeCompare(`${b.type}${b.from}${b.to}`);
}

import { partitionKey, partitionOf, type UnifiedEvent } from '@tapio/domain';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { NatsEventBus, type NatsBusOptionsInput } from '../src/index.js';
import { unifiedEvent, waitFor } from './fixtures.js';
import { MemoryDeadLetters } from '@tapio/domain';

let server: NatsServerHandle;
const buses: NatsEventBus[] = [];
let isolation = 0;

/** Buses of one test share a stream/subject prefix no other test uses. */
function scope(): NatsBusOptionsInput {
  isolation += 1;
  return { streamPrefix: `T${isolation}`, subjectPrefix: `t${isolation}` };
}

function bus(options: NatsBusOptionsInput): NatsEventBus {
  const created = new NatsEventBus(
    { servers: server.url, consume: { ackWait: '1s', retryDelay: '50ms', shutdownGrace: '100ms' }, ...options },
    { deadLetters: new MemoryDeadLetters() },
  );
  buses.push(created);
  return created;
}

beforeAll(async () => {
  server = await startNatsServer();
});

afterEach(async () => {
  await Promise.all(buses.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await server?.stop();
});

/** Pods spread over 12 namespaces, and cluster-scoped Node events. */
function workload(): UnifiedEvent[] {
  const events: UnifiedEvent[] = [];
  for (let n = 0; n < 240; n += 1) events.push(unifiedEvent(`evt-pod-${n}`, 'Pod', `pod-${n % 9}`, `ns-${n % 12}`));
  for (let n = 0; n < 6; n += 1) events.push(unifiedEvent(`evt-node-${n}`, 'Node', `worker-${n}`, null));
  return events;
}

async function runPartitioned(options: NatsBusOptionsInput, count: number) {
  const workers = Array.from({ length: count }, () => bus(options));
  const got = workers.map(() => [] as UnifiedEvent[]);
  await Promise.all(
    workers.map((worker, index) => worker.subscribe('unified', 'correlation', async (event) => void got[index]?.push(event), { partition: { index, count } })),
  );
  const publisher = bus(options);
  const events = workload();
  await Promise.all(events.map((event) => publisher.publish('unified', event, event.id)));
  for (const worker of workers) await worker.drain();
  return { workers, got, events };
}

function expectNoSplit(got: UnifiedEvent[][], events: UnifiedEvent[], count: number): void {
  const workerOfKey = new Map<string, Set<number>>();
  got.forEach((events, worker) => {
    for (const event of events) {
      const key = partitionKey(event);
      if (key === null) continue;
      const workers = workerOfKey.get(key) ?? new Set<number>();
      workers.add(worker);
      workerOfKey.set(key, workers);
      expect(partitionOf(key, count)).toBe(worker);
    }
  });
  expect(workerOfKey.size).toBe(12);
  for (const [key, workers] of workerOfKey) expect([key, workers.size]).toEqual([key, 1]);
  // Namespaced events exactly once overall; cluster-scoped ones at every worker.
  const namespaced = got.flat().filter((event) => partitionKey(event) !== null).map((event) => event.id);
  expect(namespaced.sort()).toEqual(events.filter((event) => partitionKey(event) !== null).map((event) => event.id).sort());
  for (const events of got) expect(events.filter((event) => event.entity?.kind === 'Node')).toHaveLength(6);
  expect(got.every((events) => events.length > 6)).toBe(true);
}

describe('NatsEventBus consumers', () => {
  it('redelivers to a new consumer what a consumer took and never acknowledged', async () => {
    const options = scope();
    const crashing = bus(options);
    const taken: string[] = [];
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await crashing.subscribe('unified', 'correlation', async (event) => {
      taken.push(event.id);
      await held; // outlives the connection: the process "dies" holding it
    });
    await crashing.publish('unified', unifiedEvent('evt-held', 'Pod', 'api-0', 'shop'), 'evt-held');
    await waitFor('the first consumer to take the event', () => taken.length === 1);
    await crashing.close();
    // The handler finishing after the connection closed cannot acknowledge; nothing throws.
    release();

    const survivor = bus(options);
    const handled: string[] = [];
    await survivor.subscribe('unified', 'correlation', async (event) => void handled.push(event.id));
    await waitFor('redelivery to the new consumer', () => handled.length === 1, 10_000);
    await survivor.drain();
    expect(handled).toEqual(['evt-held']);
  });

  it('shares one group between processes: each event handled once', async () => {
    const options = scope();
    const first = bus(options);
    const second = bus(options);
    const handled: string[] = [];
    await first.subscribe('unified', 'transformer', async (event) => void handled.push(event.id));
    await second.subscribe('unified', 'transformer', async (event) => void handled.push(event.id));
    const events = workload();
    await Promise.all(events.map((event) => first.publish('unified', event, event.id)));
    await first.drain();
    await second.drain();
    expect(handled.sort()).toEqual(events.map((event) => event.id).sort());
  });

  it('routes partitions on the server: no partition key is split between two workers', async () => {
    const { got, events, workers } = await runPartitioned({ ...scope(), partitions: 2 }, 2);
    expectNoSplit(got, events, 2);
    expect(workers.map((worker) => worker.stats().skipped)).toEqual([0, 0]);
  });

  it('still keeps partitions whole when the worker count differs from the configured partitions', async () => {
    const { got, events, workers } = await runPartitioned({ ...scope(), partitions: 1 }, 3);
    expectNoSplit(got, events, 3);
    expect(workers.reduce((sum, worker) => sum + worker.stats().skipped, 0)).toBe(240 * 2);
  });

  it('explains why a workqueue stream cannot serve a partition count that differs from the configured one', async () => {
    const worker = bus({ ...scope(), partitions: 1, streams: { raw: { retention: 'workqueue' } } });
    await expect(worker.subscribe('raw', 'transformer', async () => undefined, { partition: { index: 0, count: 2 } })).rejects.toThrow(
      /partition 0 of 2 on raw, but bus.nats.partitions is 1 and stream T\d+_RAW is a workqueue .*set bus.nats.partitions to 2/,
    );
  });

  it('refuses an impossible partition', async () => {
    const worker = bus(scope());
    await expect(worker.subscribe('unified', 'g', async () => undefined, { partition: { index: 2, count: 2 } })).rejects.toThrow(/invalid partition 2 of 2/);
  });
});

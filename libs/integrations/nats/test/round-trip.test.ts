import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { BusTopic, UnifiedEvent } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { NatsEventBus, streamName, type NatsBusOptionsInput } from '../src/index.js';
import { insight, rawKernelEvent, rawPodEvent, unifiedEvent, waitFor } from './fixtures.js';
import { MemoryDeadLetters } from '@tapio/domain';

let server: NatsServerHandle;
const buses: NatsEventBus[] = [];

function bus(options: NatsBusOptionsInput = {}, deadLetters = new MemoryDeadLetters()): NatsEventBus {
  const created = new NatsEventBus(
    { servers: server.url, consume: { ackWait: '2s', retryDelay: '50ms', maxFailures: 3, shutdownGrace: '500ms' }, ...options },
    { deadLetters },
  );
  buses.push(created);
  return created;
}

/** Subjects currently stored in a topic's stream, oldest first. */
async function storedSubjects(topic: BusTopic): Promise<string[]> {
  const nc = await connect({ servers: server.url });
  try {
    const jsm = await jetstreamManager(nc);
    const name = streamName({ streamPrefix: 'TAPIO' }, topic);
    const info = await jsm.streams.info(name);
    const subjects: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
      const stored = await jsm.streams.getMessage(name, { seq });
      if (stored) subjects.push(stored.subject);
    }
    return subjects;
  } finally {
    await nc.close();
  }
}

beforeAll(async () => {
  server = await startNatsServer();
});

afterAll(async () => {
  await Promise.all(buses.map((created) => created.close()));
  await server?.stop();
});

describe('NatsEventBus round trip', () => {
  it('carries every topic through its stream on the seed subjects (each event alone: no batch envelopes)', async () => {
    const publisher = bus({ partitions: 4, publish: { batch: { maxEvents: 1 } } });
    const consumer = bus({ partitions: 4 });
    const got: Record<string, unknown[]> = { raw: [], unified: [], insights: [] };
    await consumer.subscribe('raw', 'transformer', async (message) => void got['raw']?.push(message));
    await consumer.subscribe('unified', 'correlation', async (message) => void got['unified']?.push(message));
    await consumer.subscribe('insights', 'api', async (message) => void got['insights']?.push(message));
    await publisher.start();

    const raw = [rawPodEvent('nginx-7d8f', 'default', 'ADDED'), rawPodEvent('nginx-7d8f', 'default', 'MODIFIED', '2'), rawKernelEvent(4242)];
    const unified = [unifiedEvent('evt-1', 'Pod', 'nginx-7d8f', 'default'), unifiedEvent('evt-2', 'Node', 'worker.1', null)];
    const insights = [insight('ins-1', 'payments')];
    await Promise.all([
      ...raw.map((message, index) => publisher.publish('raw', message, `raw-${index}`)),
      ...unified.map((message) => publisher.publish('unified', message, message.id)),
      ...insights.map((message) => publisher.publish('insights', message, message.id)),
    ]);
    await consumer.drain();

    expect(got['raw']).toHaveLength(3);
    expect(got['raw']).toEqual(expect.arrayContaining(raw));
    expect(got['unified']).toEqual(expect.arrayContaining(unified));
    expect(got['insights']).toEqual(insights);
    expect(publisher.stats()).toMatchObject({ published: 6, dropped: 0, duplicates: 0 });
    expect(consumer.stats().delivered).toBe(6);

    const rawSubjects = await storedSubjects('raw');
    expect(rawSubjects.map((subject) => subject.replace(/\.[^.]+$/, '')).sort()).toEqual(['raw.kernel.oom.kill', 'raw.kubeapi.pod.create', 'raw.kubeapi.pod.update']);
    expect(rawSubjects.every((subject) => /\.p[0-3]$/.test(subject))).toBe(true);
    expect((await storedSubjects('unified')).sort()).toEqual([expect.stringMatching(/^unified\.node\._\.worker_1\.all$/), expect.stringMatching(/^unified\.pod\.default\.nginx-7d8f\.p[0-3]$/)].sort());
    expect(await storedSubjects('insights')).toEqual([expect.stringMatching(/^insights\.critical\.payments\.p[0-3]$/)]);
  });

  it("hands the handler the message id and the publisher's headers (trace context), without NATS' own", async () => {
    const publisher = bus({ streamPrefix: 'HEADERS', subjectPrefix: 'headers' });
    const deliveries: Array<{ id: string; headers: Readonly<Record<string, string>> }> = [];
    await publisher.subscribe('unified', 'correlation', async (_event, delivery) => void deliveries.push(delivery));
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traced = unifiedEvent('evt-traced', 'Pod', 'api-0', 'shop');
    const plain = unifiedEvent('evt-plain', 'Pod', 'api-0', 'shop');
    await publisher.publish('unified', traced, traced.id, { traceparent, tracestate: 'tapio=1' });
    await publisher.publish('unified', plain, plain.id);
    await publisher.drain();
    expect(deliveries).toEqual([
      { id: 'evt-traced', headers: { traceparent, tracestate: 'tapio=1' }, position: { sequence: 1, settled: expect.any(Number) } },
      { id: 'evt-plain', headers: {}, position: { sequence: 2, settled: expect.any(Number) } },
    ]);
  });

  it('delivers a message published twice under one id once', async () => {
    const publisher = bus({ streamPrefix: 'DEDUP', subjectPrefix: 'dedup' });
    const seen: string[] = [];
    await publisher.subscribe('unified', 'correlation', async (event) => void seen.push(event.id));
    const event = unifiedEvent('evt-same', 'Pod', 'api-0', 'shop');
    await publisher.publish('unified', event, event.id);
    await publisher.publish('unified', { ...event, message: 'a redelivered copy' }, event.id);
    await publisher.drain();
    expect(seen).toEqual(['evt-same']);
    expect(publisher.stats()).toMatchObject({ published: 1, duplicates: 1, delivered: 1 });
  });

  it('redelivers a message whose handler rejected, and acknowledges it once it succeeds', async () => {
    const publisher = bus({ streamPrefix: 'RETRY', subjectPrefix: 'retry' });
    let attempts = 0;
    const handled: string[] = [];
    await publisher.subscribe('unified', 'correlation', async (event) => {
      attempts += 1;
      if (attempts < 3) throw new Error(`graph store unavailable (attempt ${attempts})`);
      handled.push(event.id);
    });
    await publisher.publish('unified', unifiedEvent('evt-retry', 'Pod', 'web-0', 'shop'), 'evt-retry');
    await publisher.drain();
    expect(attempts).toBe(3);
    expect(handled).toEqual(['evt-retry']);
    expect(publisher.stats()).toMatchObject({ redelivered: 2, delivered: 1, deadLettered: 0 });
  });

  it('dead-letters a message after maxFailures failures of its handler, naming where it came from', async () => {
    const deadLetters = new MemoryDeadLetters();
    const publisher = bus({ streamPrefix: 'DLQ', subjectPrefix: 'dlq' }, deadLetters);
    let attempts = 0;
    await publisher.subscribe('unified', 'correlation', async () => {
      attempts += 1;
      throw new Error('cannot store event');
    });
    await publisher.publish('unified', unifiedEvent('evt-poison', 'Pod', 'db-0', 'shop'), 'evt-poison');
    await publisher.drain();
    expect(attempts).toBe(3);
    expect(deadLetters.entries).toHaveLength(1);
    expect(deadLetters.entries[0]).toMatchObject({ stage: 'process', source: 'unified', payload: { id: 'evt-poison' } });
    expect(deadLetters.entries[0]?.reason).toMatch(/failed 3 times: cannot store event/);
    expect(deadLetters.entries[0]?.origin).toMatch(/^nats:DLQ_UNIFIED\/correlation dlq\.unified\.pod\.shop\.db-0\.p0 seq \d+$/);
    expect(publisher.stats().deadLettered).toBe(1);
  });

  it('dead-letters what another publisher wrote that is not a valid message', async () => {
    const deadLetters = new MemoryDeadLetters();
    const consumer = bus({ streamPrefix: 'BAD', subjectPrefix: 'bad' }, deadLetters);
    const handled: unknown[] = [];
    await consumer.subscribe('unified', 'correlation', async (event) => void handled.push(event));
    await consumer.start();
    const nc = await connect({ servers: server.url });
    await nc.request('bad.unified.pod.x.y.p0', 'not json', { timeout: 2000 });
    await nc.request('bad.unified.pod.x.z.p0', JSON.stringify({ id: 'evt-x' }), { timeout: 2000 });
    await nc.close();
    await waitFor('two dead letters', () => deadLetters.count() === 2);
    expect(handled).toEqual([]);
    expect(deadLetters.entries.map((entry) => entry.stage).sort()).toEqual(['decode', 'validate']);
    expect(deadLetters.entries.find((entry) => entry.stage === 'validate')?.reason).toMatch(/not a valid unified message: .*type/);
  });

  it('refuses a message it cannot encode, naming it, without disturbing the rest', async () => {
    const publisher = bus({ streamPrefix: 'ENC', subjectPrefix: 'enc' });
    const circular = unifiedEvent('evt-circular', 'Pod', 'loop-0', 'shop') as UnifiedEvent & { self?: unknown };
    circular.self = circular;
    await expect(publisher.publish('unified', circular, 'evt-circular')).rejects.toThrow(/cannot publish unified message evt-circular: .*circular/i);
    await publisher.publish('unified', unifiedEvent('evt-fine', 'Pod', 'ok-0', 'shop'), 'evt-fine');
    expect(publisher.stats()).toMatchObject({ published: 1, dropped: 0 });
  });

  it('creates streams idempotently, updates settings in place and explains a change NATS cannot make', async () => {
    const first = bus({ streamPrefix: 'CFG', subjectPrefix: 'cfg' });
    await first.start();
    const second = bus({ streamPrefix: 'CFG', subjectPrefix: 'cfg', streams: { unified: { maxAge: '1h', maxMessages: 1000 } } });
    await second.start();
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    const config = (await jsm.streams.info('CFG_UNIFIED')).config;
    expect(config.max_age).toBe(3_600_000_000_000);
    expect(config.max_msgs).toBe(1000);
    expect((await jsm.streams.info('CFG_RAW')).config.max_age).toBe(24 * 3_600_000_000_000);
    await nc.close();

    const conflicting = bus({ streamPrefix: 'CFG', subjectPrefix: 'cfg', streams: { raw: { retention: 'workqueue' } }, connect: { initialDelay: '100ms' } });
    void conflicting.start().catch(() => undefined);
    await waitFor('a down status', () => conflicting.health().status === 'down');
    expect(conflicting.health().reason).toMatch(/CFG_RAW exists with retention "limits" but the configuration asks for "workqueue".*nats stream rm CFG_RAW/);
  });
});

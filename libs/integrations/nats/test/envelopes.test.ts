import { jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { MemoryDeadLetters, type BusDelivery, type UnifiedEvent } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { NatsEventBus, type NatsBusOptionsInput } from '../src/index.js';
import { unifiedEvent, waitFor } from './fixtures.js';

/**
 * Batch envelopes on a real nats-server: events published in one event-loop turn to one
 * partition travel as one message, and each is still handled once, in order, with its
 * own id and headers; a failing event sends its message back without running the others
 * again, or is dead-lettered alone.
 */
describe('NATS batch envelopes', () => {
  let server: NatsServerHandle;
  const buses: NatsEventBus[] = [];
  let run = 0;

  function bus(prefix: string, options: NatsBusOptionsInput = {}, deadLetters = new MemoryDeadLetters()): NatsEventBus {
    const created = new NatsEventBus(
      { servers: server.url, streamPrefix: prefix.toUpperCase(), subjectPrefix: prefix, consume: { ackWait: '5s', retryDelay: '50ms', maxFailures: 3, shutdownGrace: '500ms' }, ...options },
      { deadLetters },
    );
    buses.push(created);
    return created;
  }

  const unique = (name: string) => `${name}${process.pid}x${(run += 1)}`;
  const events = (count: number, name = (n: number) => `pod-${n}`) => Array.from({ length: count }, (_, n) => unifiedEvent(`evt-${n}`, 'Pod', name(n), 'shop'));

  async function storedMessages(prefix: string): Promise<number> {
    const nc = await connect({ servers: server.url });
    try {
      return (await (await jetstreamManager(nc)).streams.info(`${prefix.toUpperCase()}_UNIFIED`)).state.messages;
    } finally {
      await nc.close();
    }
  }

  beforeAll(async () => {
    server = await startNatsServer();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(buses.map((created) => created.close()));
    await server?.stop();
  });

  it('carries the events of one turn in few messages; each is handled once, in order, with its id, headers and place', async () => {
    const prefix = unique('env');
    const publisher = bus(prefix);
    const consumer = bus(prefix);
    const seen: Array<{ id: string; delivery: BusDelivery }> = [];
    await consumer.subscribe('unified', 'correlation', async (event, delivery) => void seen.push({ id: event.id, delivery }), { concurrency: 8 });
    const published = events(150);
    await Promise.all(published.map((event) => publisher.publish('unified', event, event.id, { traceparent: `trace-${event.id}` })));
    await consumer.drain();

    expect(seen.map((entry) => entry.id)).toEqual(published.map((event) => event.id));
    for (const entry of seen) expect(entry.delivery).toMatchObject({ id: entry.id, headers: { traceparent: `trace-${entry.id}` } });
    // 150 events, 64 at most per envelope: three messages, the members of each sharing its sequence.
    expect(await storedMessages(prefix)).toBe(3);
    expect(seen.map((entry) => entry.delivery.position?.sequence)).toEqual(published.map((_, n) => 1 + Math.floor(n / 64)));
    expect(seen.map((entry) => entry.delivery.position?.index)).toEqual(published.map((_, n) => n % 64));
    expect(publisher.stats()).toMatchObject({ published: 3, envelopes: 3, enveloped: 150, dropped: 0 });
    expect(consumer.stats()).toMatchObject({ delivered: 3, deadLettered: 0, duplicatesSkipped: 0 });
  });

  it('sends a message back when one event failed, and runs only that event again', async () => {
    const prefix = unique('retry');
    const publisher = bus(prefix);
    const consumer = bus(prefix);
    const calls = new Map<string, number>();
    await consumer.subscribe('unified', 'correlation', async (event) => {
      calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
      if (event.id === 'evt-2' && calls.get(event.id) === 1) throw new Error('graph away');
    });
    const published = events(5);
    await Promise.all(published.map((event) => publisher.publish('unified', event, event.id)));
    await waitFor('evt-2 handled twice', () => calls.get('evt-2') === 2, 10_000);
    await consumer.drain();
    expect(Object.fromEntries(calls)).toEqual({ 'evt-0': 1, 'evt-1': 1, 'evt-2': 2, 'evt-3': 1, 'evt-4': 1 });
    expect(consumer.stats()).toMatchObject({ redelivered: 1, duplicatesSkipped: 4, deadLettered: 0, delivered: 1 });
  });

  it('dead-letters an event that keeps failing alone, naming its place, and acknowledges the rest', async () => {
    const prefix = unique('dead');
    const deadLetters = new MemoryDeadLetters();
    const publisher = bus(prefix);
    const consumer = bus(prefix, {}, deadLetters);
    const calls = new Map<string, number>();
    await consumer.subscribe('unified', 'correlation', async (event) => {
      calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
      if (event.id === 'evt-1') throw new Error('cannot handle this one');
    });
    const published = events(3);
    await Promise.all(published.map((event) => publisher.publish('unified', event, event.id)));
    await waitFor('evt-1 dead-lettered', () => deadLetters.count() === 1, 10_000);
    await consumer.drain();
    expect(Object.fromEntries(calls)).toEqual({ 'evt-0': 1, 'evt-1': 3, 'evt-2': 1 });
    const [letter] = deadLetters.recent(10);
    expect(letter).toMatchObject({ stage: 'process', source: 'unified', payload: { id: 'evt-1' } });
    expect(letter?.origin).toMatch(/seq 1 event 1$/);
    expect(letter?.reason).toMatch(/failed 3 times: cannot handle this one/);
    expect(consumer.stats()).toMatchObject({ delivered: 1, deadLettered: 1 });
  });

  it('skips events it completed when they come again grouped otherwise (re-published after a crash)', async () => {
    const prefix = unique('again');
    const consumer = bus(prefix);
    const calls = new Map<string, number>();
    await consumer.subscribe('unified', 'correlation', async (event) => void calls.set(event.id, (calls.get(event.id) ?? 0) + 1));
    const published = events(6);
    const first = bus(prefix);
    await Promise.all(published.slice(0, 4).map((event) => first.publish('unified', event, event.id)));
    // Another publisher (the restarted one) sends 2..5 together: another envelope, another Nats-Msg-Id.
    const second = bus(prefix);
    await Promise.all(published.slice(2).map((event) => second.publish('unified', event, event.id)));
    await consumer.drain();
    expect(await storedMessages(prefix)).toBe(2);
    expect([...calls.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(consumer.stats()).toMatchObject({ duplicatesSkipped: 2, delivered: 2 });
  });

  it('dead-letters one invalid event of an envelope written by another publisher, and handles the rest', async () => {
    const prefix = unique('hostile');
    const deadLetters = new MemoryDeadLetters();
    const consumer = bus(prefix, {}, deadLetters);
    const handled: string[] = [];
    await consumer.subscribe('unified', 'correlation', async (event) => void handled.push(event.id));
    await consumer.start();
    const [good, other] = events(2);
    const nc = await connect({ servers: server.url });
    try {
      const marked = headers();
      marked.set('Tapio-Envelope', '1');
      marked.set('Nats-Msg-Id', 'hostile-1');
      const body = { v: 1, events: [{ id: 'evt-0', headers: {}, body: good }, { id: 'bad', headers: {}, body: { hello: 'world' } }, { id: 'evt-1', headers: {}, body: other }] };
      await nc.request(`${prefix}.unified._batch._._.p0`, JSON.stringify(body), { headers: marked, timeout: 5_000 });
      const broken = headers();
      broken.set('Tapio-Envelope', '1');
      await nc.request(`${prefix}.unified._batch._._.p0`, '{"v":1,"events":"no"}', { headers: broken, timeout: 5_000 });
    } finally {
      await nc.close();
    }
    await waitFor('two dead letters', () => deadLetters.count() === 2, 10_000);
    await consumer.drain();
    expect(handled).toEqual(['evt-0', 'evt-1']);
    // The broken envelope is refused when it arrives, the invalid member when its turn comes: either may be first.
    const letters = deadLetters.recent(10).map((letter) => ({ stage: letter.stage, reason: letter.reason, origin: letter.origin }));
    expect(letters.sort((a, b) => a.stage.localeCompare(b.stage))).toEqual([
      { stage: 'decode', reason: expect.stringMatching(/^not a version 1 envelope/), origin: expect.stringMatching(/ seq 2$/) },
      { stage: 'validate', reason: expect.stringMatching(/^not a valid unified message/), origin: expect.stringMatching(/ seq 1 event 1$/) },
    ]);
  });

  it('routes envelopes by partition: each partitioned worker gets its own events and the broadcast ones', async () => {
    const prefix = unique('parts');
    const options: NatsBusOptionsInput = { partitions: 2 };
    const publisher = bus(prefix, options);
    const got: UnifiedEvent[][] = [[], []];
    for (const index of [0, 1]) {
      const worker = bus(prefix, options);
      await worker.subscribe('unified', 'correlation', async (event) => void got[index]?.push(event), { partition: { index, count: 2 } });
    }
    // Spread over namespaces: the partition key of a namespaced object is its namespace.
    const published = [...Array.from({ length: 40 }, (_, n) => unifiedEvent(`evt-${n}`, 'Pod', 'api-0', `ns-${n}`)), unifiedEvent('node-evt', 'Node', 'worker-1', null)];
    await Promise.all(published.map((event) => publisher.publish('unified', event, event.id)));
    await waitFor('every event at its worker', () => (got[0]?.length ?? 0) + (got[1]?.length ?? 0) === 42, 10_000);
    const ids = got.map((list) => list.map((event) => event.id));
    expect(ids[0]).toContain('node-evt');
    expect(ids[1]).toContain('node-evt');
    expect(new Set([...(ids[0] ?? []), ...(ids[1] ?? [])]).size).toBe(41);
    expect(ids[0]?.filter((id) => ids[1]?.includes(id))).toEqual(['node-evt']);
    expect(Math.min(ids[0]?.length ?? 0, ids[1]?.length ?? 0)).toBeGreaterThan(2);
    // One envelope per partition; the Node event alone on the broadcast part.
    expect(publisher.stats()).toMatchObject({ envelopes: 2, enveloped: 40, published: 3 });
  });
});

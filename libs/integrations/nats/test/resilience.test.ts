import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort, startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { BusOverflowError, NatsEventBus, type NatsBusOptionsInput } from '../src/index.js';
import { publishPodEvents, sleep, unifiedEvent, waitFor } from './fixtures.js';
import { MemoryDeadLetters, RecordingMetrics } from '@tapio/domain';

const servers: NatsServerHandle[] = [];
const buses: NatsEventBus[] = [];

function bus(url: string, options: NatsBusOptionsInput = {}, metrics?: RecordingMetrics): NatsEventBus {
  const created = new NatsEventBus(
    {
      servers: url,
      connect: { initialDelay: '100ms', maxDelay: '500ms', timeout: '1s' },
      consume: { ackWait: '2s', retryDelay: '50ms', shutdownGrace: '500ms' },
      ...options,
    },
    { deadLetters: new MemoryDeadLetters(), ...(metrics ? { metrics, metricsInterval: 20 } : {}) },
  );
  buses.push(created);
  return created;
}

async function server(port?: number): Promise<NatsServerHandle> {
  const started = await startNatsServer(port === undefined ? {} : { port });
  servers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(buses.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await Promise.all(servers.map((started) => started.stop()));
});

describe('NatsEventBus resilience', () => {
  it('says why while NATS is unreachable at start, keeps retrying, then delivers what was published meanwhile', async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    const early = bus(url);
    const seen: string[] = [];
    await early.subscribe('unified', 'correlation', async (event) => void seen.push(event.id));
    const published = early.publish('unified', unifiedEvent('evt-early', 'Pod', 'api-0', 'shop'), 'evt-early');

    await waitFor('status down', () => early.health().status === 'down');
    const health = early.health();
    expect(health.reason).toContain(`cannot use NATS at ${url}`);
    expect(health.reason).toMatch(/attempt \d+, next in \d+ ms/);
    expect(early.stats()).toMatchObject({ buffered: 1, published: 0, dropped: 0 });

    await server(port);
    await published;
    await early.drain();
    expect(seen).toEqual(['evt-early']);
    expect(early.health().status).toBe('ok');
    expect(Number(early.health().details?.['connectAttempts'])).toBeGreaterThan(1);
  });

  it('explains streams that do not fit in the NATS server\'s storage', async () => {
    const small = await startNatsServer({ maxStore: 512 * 1024 ** 2 });
    servers.push(small);
    const oversized = bus(small.url);
    void oversized.start().catch(() => undefined);
    await waitFor('status down', () => oversized.health().status === 'down');
    expect(oversized.health().reason).toMatch(/cannot create NATS stream TAPIO_\w+ .*insufficient storage.*3\.25 GiB for Tapio's three.*max_file_store; lower streams\.\*\.maxBytes/);
  });

  it('counts what it drops when the buffer is full while disconnected', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const metrics = new RecordingMetrics();
    // Counted in NATS messages: each event alone (batch envelopes would carry the four in one).
    const offline = bus(url, { publish: { maxBuffered: 3, batch: { maxEvents: 1 } } }, metrics);
    const kept = [1, 2, 3].map((n) => offline.publish('unified', unifiedEvent(`evt-${n}`, 'Pod', `p-${n}`, 'shop'), `evt-${n}`));
    for (const promise of kept) promise.catch(() => undefined);
    await expect(offline.publish('unified', unifiedEvent('evt-4', 'Pod', 'p-4', 'shop'), 'evt-4')).rejects.toThrow(BusOverflowError);
    expect(offline.stats()).toMatchObject({ buffered: 3, dropped: 1 });
    // Dropped and up are sampled from stats() and health() by the app, under the names of every bus.
    await waitFor('metrics', () => metrics.values.get('tapio_bus_buffered{}') === 3);
    expect(offline.health().status).not.toBe('ok');
    await offline.close();
    // Accepted but never stored: the close says so, and counts them too.
    await expect(kept[0]).rejects.toThrow(/evt-1 was not stored/);
    expect(offline.stats().dropped).toBe(4);
    expect(offline.health().status).toBe('stopped');
  });

  it('loses nothing when nats-server is killed and restarted mid-stream, and its counters add up', async () => {
    const nats = await server();
    const consumer = bus(nats.url);
    // In-flight publishes die with the server; a short ack timeout resends them sooner.
    const publisher = bus(nats.url, { publish: { ackTimeout: '1s' } });
    const received = new Map<string, number>();
    await consumer.subscribe('unified', 'correlation', async (event) => void received.set(event.id, (received.get(event.id) ?? 0) + 1));
    await publisher.start();

    const total = 3000;
    let restarted: Promise<void> | undefined;
    for (let batch = 0; batch < total / 100; batch += 1) {
      if (batch === 10) {
        restarted = (async () => {
          await nats.kill();
          await waitFor('a degraded status', () => publisher.health().status === 'degraded');
          expect(publisher.health().reason).toMatch(/lost the connection to NATS at .*; reconnecting; \d+ publishes buffered, 0 dropped/);
          await nats.restart(300);
        })();
      }
      await Promise.all(publishPodEvents(publisher, batch * 100, 100));
    }
    await restarted;
    await consumer.drain();

    expect(received.size).toBe(total);
    const stats = publisher.stats();
    expect(stats.dropped).toBe(0);
    // The events travelled in batch envelopes and alone: every one of them was stored, once.
    expect(stats.envelopes).toBeGreaterThan(0);
    expect(stats.enveloped + (stats.published + stats.duplicates - stats.envelopes)).toBe(total);
    expect(stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(consumer.stats().reconnects).toBeGreaterThanOrEqual(1);
    const nc = await connect({ servers: nats.url });
    expect((await (await jetstreamManager(nc)).streams.info('TAPIO_UNIFIED')).state.messages).toBe(stats.published);
    await nc.close();
  });

  it('makes publishers wait for a slow consumer when the stream is full, never dropping, including what was published before the consumer existed', async () => {
    const nats = await server();
    const options: NatsBusOptionsInput = {
      streams: { unified: { retention: 'workqueue', discard: 'new', maxMessages: 50 } },
      // Stream limits count NATS messages: each event alone here.
      publish: { maxInFlight: 16, batch: { maxEvents: 1 } },
      // A loaded CI machine must not turn slowness into redeliveries here.
      consume: { ackWait: '30s', retryDelay: '50ms', shutdownGrace: '500ms' },
    };
    const publisher = bus(nats.url, options);
    await publisher.start();
    // Stored before any consumer of the group exists: an `interest` stream acknowledged
    // these and then dropped them (384 of 400 arrived); the workqueue keeps them.
    const early = 16;
    await Promise.all(Array.from({ length: early }, (_, n) => publisher.publish('unified', unifiedEvent(`evt-${n}`, 'Pod', `pod-${n}`, 'shop'), `evt-${n}`)));

    const consumer = bus(nats.url, options);
    const handled: string[] = [];
    await consumer.subscribe('unified', 'correlation', async (event) => {
      await sleep(2);
      handled.push(event.id);
    });
    await consumer.start();

    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    let most = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        most = Math.max(most, (await jsm.streams.info('TAPIO_UNIFIED')).state.messages);
        await sleep(10);
      }
    })();

    const total = 400;
    const started = Date.now();
    await Promise.all(Array.from({ length: total - early }, (_, n) => publisher.publish('unified', unifiedEvent(`evt-${early + n}`, 'Pod', `pod-${early + n}`, 'shop'), `evt-${early + n}`)));
    const publishMs = Date.now() - started;
    await consumer.drain();
    watching = false;
    await watcher;
    await nc.close();

    expect(handled, `consumer ${JSON.stringify(consumer.stats())}, publisher ${JSON.stringify(publisher.stats())}`).toHaveLength(total);
    expect(new Set(handled).size).toBe(total);
    expect(most).toBeLessThanOrEqual(50);
    expect(publisher.stats()).toMatchObject({ published: total, dropped: 0 });
    expect(publisher.stats().retries).toBeGreaterThan(0);
    // 300 messages had to wait for the 2 ms handler: publishing took at least that long.
    expect(publishMs).toBeGreaterThan(300 * 2);
  });

  it('dead-letters messages whose every delivery timed out, so a full workqueue stream does not wedge its publishers', async () => {
    const nats = await server();
    const options: NatsBusOptionsInput = {
      streams: { unified: { retention: 'workqueue', discard: 'new', maxMessages: 20 } },
      // Stream limits count NATS messages: each event alone here.
      publish: { maxInFlight: 16, batch: { maxEvents: 1 } },
      consume: { ackWait: '300ms', maxFailures: 2, maxDeliver: 2, retryDelay: '10ms', shutdownGrace: '100ms' },
    };
    const deadLetters = new MemoryDeadLetters();
    const consumer = new NatsEventBus({ servers: nats.url, ...options }, { deadLetters });
    buses.push(consumer);
    // A handler that never answers: as if its process died with every delivery.
    await consumer.subscribe('unified', 'correlation', () => new Promise<void>(() => undefined), { concurrency: 1000 });
    await consumer.start();
    const publisher = bus(nats.url, options);
    await publisher.start();

    const total = 60;
    await Promise.all(Array.from({ length: total }, (_, n) => publisher.publish('unified', unifiedEvent(`evt-${n}`, 'Pod', `pod-${n}`, 'shop'), `evt-${n}`)));
    await waitFor('every message dead-lettered', () => deadLetters.entries.length === total, 20_000);
    expect(publisher.stats()).toMatchObject({ published: total, dropped: 0 });
    expect(deadLetters.entries[0]?.reason).toMatch(/never answered 2 deliveries \(consume\.maxDeliver: its process died or hung with each.*; last failure: its handler did not answer within 0\.6 s$/);
  }, 30_000);
});

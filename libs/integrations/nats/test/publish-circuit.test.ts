import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { NatsEventBus } from '../src/index.js';
import { publishPodEvents, sleep, waitFor } from './fixtures.js';
import { MemoryDeadLetters, RecordingMetrics } from '@tapio/domain';

const servers: NatsServerHandle[] = [];
const buses: NatsEventBus[] = [];

function bus(url: string, metrics?: RecordingMetrics): NatsEventBus {
  const created = new NatsEventBus(
    {
      servers: url,
      connect: { initialDelay: '100ms', maxDelay: '500ms', timeout: '1s' },
      consume: { ackWait: '5s', retryDelay: '50ms', shutdownGrace: '500ms' },
      // A hung server is noticed after 500 ms per send; 5 such sends in a row open the circuit.
      // Counted in NATS messages: each event alone (no batch envelopes).
      publish: { ackTimeout: '500ms', circuit: { failures: 5, halfOpenAfterMs: 300 }, batch: { maxEvents: 1 } },
    },
    { deadLetters: new MemoryDeadLetters(), ...(metrics ? { metrics, metricsInterval: 20 } : {}) },
  );
  buses.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(buses.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await Promise.all(servers.map((started) => started.stop()));
});

describe('the NATS publisher behind its circuit breaker (real nats-server)', () => {
  it('opens while the server hangs and holds what is accepted instead of resending it every pause; after a kill and restart everything is stored and delivered exactly once', async () => {
    const nats = await startNatsServer();
    servers.push(nats);
    const metrics = new RecordingMetrics();
    const publisher = bus(nats.url, metrics);
    await publisher.start();
    await Promise.all(publishPodEvents(publisher, 0, 100));
    expect(publisher.health().details).toMatchObject({ publishCircuitState: 'closed', publishCircuitOpened: 0 });

    // Frozen: the connection stays open and nothing answers.
    process.kill(nats.pid as number, 'SIGSTOP');
    const accepted = publishPodEvents(publisher, 100, 400);
    for (const promise of accepted) promise.catch(() => undefined);
    await waitFor('the publish circuit to open', () => publisher.health().details?.['publishCircuitState'] === 'open', 10_000);
    const health = publisher.health();
    expect(health.status).toBe('degraded');
    expect(health.reason).toMatch(/^publish circuit open since .* \(.*no acknowledgement within 500 ms\): \d+ publishes held$/);
    await waitFor('the metrics to show it', () => metrics.values.get('tapio_circuit_state{circuit="nats-publish",state="open"}') === 1);
    expect(metrics.values.get('tapio_circuit_state{circuit="nats-publish",state="closed"}')).toBe(0);
    expect(metrics.values.get('tapio_circuit_opened_total{circuit="nats-publish"}')).toBeGreaterThanOrEqual(1);

    // Open: one probe per halfOpenAfter + ackTimeout (800 ms), not 400 resends per pause.
    await waitFor('the timed-out sends to settle', () => publisher.stats().inFlight <= 1, 5_000);
    const retriesBefore = publisher.stats().retries;
    await sleep(1_600);
    const resent = publisher.stats().retries - retriesBefore;
    expect(resent, JSON.stringify(publisher.stats())).toBeLessThanOrEqual(4);
    expect(publisher.stats().buffered).toBeGreaterThanOrEqual(399);

    // Accepted while open: held (counted as refused sends), not lost.
    const refusedBefore = Number(publisher.health().details?.['publishCircuitRefused']);
    const later = publishPodEvents(publisher, 500, 100);
    expect(Number(publisher.health().details?.['publishCircuitRefused']) - refusedBefore).toBe(100);

    // The hung server dies; a new one starts on the same store.
    await nats.kill();
    await nats.restart(200);
    await Promise.all([...accepted, ...later]);
    await waitFor('the circuit to close', () => publisher.health().details?.['publishCircuitState'] === 'closed', 10_000);
    const stats = publisher.stats();
    expect(stats.dropped).toBe(0);
    expect(stats.published + stats.duplicates).toBe(600);
    expect(publisher.health().status).toBe('ok');

    const nc = await connect({ servers: nats.url });
    expect((await (await jetstreamManager(nc)).streams.info('TAPIO_UNIFIED')).state.messages).toBe(600);
    await nc.close();
    const consumer = bus(nats.url);
    const received = new Map<string, number>();
    await consumer.subscribe('unified', 'correlation', async (event) => void received.set(event.id, (received.get(event.id) ?? 0) + 1));
    await consumer.drain();
    expect(received.size).toBe(600);
    expect([...received.values()].every((times) => times === 1)).toBe(true);
  }, 60_000);
});

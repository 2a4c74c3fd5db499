import type { BusDelivery } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { NatsEventBus } from '../src/index.js';
import { rawPodEvent, waitFor } from './fixtures.js';
import { MemoryDeadLetters } from '@tapio/domain';

/**
 * The transformer keeps the version a RawEvent must be diffed against until that RawEvent
 * can no longer come again; it learns which can from each delivery's `position.settled`
 * (the consumer's acknowledgement floor). A floor that passed a message still unanswered
 * would let it drop state a late redelivery needs.
 */
describe('NATS deliveries: their stream position, the acknowledgement floor, and messages held while handled', () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('settled stays below a message still held by a handler, and reaches the last message once all are acknowledged', async () => {
    const prefix = `pos${process.pid}`;
    const bus = new NatsEventBus(
      { servers: server.url, streamPrefix: prefix.toUpperCase(), subjectPrefix: prefix, consume: { ackWait: '20s', retryDelay: '50ms', shutdownGrace: '100ms' } },
      { deadLetters: new MemoryDeadLetters() },
    );
    try {
      const seen: Array<{ name: string; delivery: BusDelivery }> = [];
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await bus.subscribe(
        'raw',
        'transformer',
        async (raw, delivery) => {
          const name = (raw.data as { object: { metadata: { name: string } } }).object.metadata.name;
          seen.push({ name, delivery });
          // The first RawEvent stays unanswered, as in a transformer killed while handling it.
          if (name === 'pod-0') await held;
        },
        { concurrency: 8 },
      );
      for (let n = 0; n < 6; n += 1) await bus.publish('raw', rawPodEvent(`pod-${n}`), `raw-${n}`);
      await waitFor('6 deliveries', () => seen.length >= 6, 10_000);
      // Longer than the floor's refresh: the floor is read again while pod-0 is still held.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await bus.publish('raw', rawPodEvent('pod-6'), 'raw-6');
      await waitFor('7 deliveries', () => seen.length >= 7, 10_000);
      const sequences = seen.map((entry) => entry.delivery.position?.sequence);
      expect(sequences).toEqual([1, 2, 3, 4, 5, 6, 7]);
      for (const entry of seen) expect(entry.delivery.position?.settled).toBe(0);
      release();
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await bus.publish('raw', rawPodEvent('pod-7'), 'raw-7');
      await waitFor('8 deliveries', () => seen.length >= 8, 10_000);
      expect(seen[7]?.delivery.position).toEqual({ sequence: 8, settled: 7 });
    } finally {
      await bus.close();
    }
  }, 60_000);

  it('while messages flow, the floor follows them within tenths of a second (a transformer keeps fewer old versions)', async () => {
    const prefix = `flow${process.pid}`;
    const bus = new NatsEventBus({ servers: server.url, streamPrefix: prefix.toUpperCase(), subjectPrefix: prefix, consume: { shutdownGrace: '100ms' } }, { deadLetters: new MemoryDeadLetters() });
    try {
      const seen: BusDelivery[] = [];
      await bus.subscribe('raw', 'transformer', async (_raw, delivery) => void seen.push(delivery), { concurrency: 8 });
      // 40 RawEvents over about a second: a floor read once a second would lag by most of them.
      for (let n = 0; n < 40; n += 1) {
        await bus.publish('raw', rawPodEvent(`pod-${n}`), `raw-${n}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await waitFor('40 deliveries', () => seen.length >= 40, 10_000);
      const lags = seen.slice(20).map((delivery) => (delivery.position?.sequence ?? 0) - (delivery.position?.settled ?? 0));
      expect(Math.max(...lags)).toBeLessThanOrEqual(12);
    } finally {
      await bus.close();
    }
  }, 60_000);

  it('a handler that takes longer than ack_wait (its dependency away) keeps its message: delivered once, not dead-lettered', async () => {
    const prefix = `slow${process.pid}`;
    const deadLetters = new MemoryDeadLetters();
    const bus = new NatsEventBus(
      { servers: server.url, streamPrefix: prefix.toUpperCase(), subjectPrefix: prefix, consume: { ackWait: '2s', maxFailures: 5, retryDelay: '50ms', shutdownGrace: '100ms' } },
      { deadLetters },
    );
    try {
      const deliveries: string[] = [];
      let handled = 0;
      // 5 s per message, 2.5 ack_waits: the server would deliver each again twice, and the
      // local queue's messages (concurrency 1) would wait up to 10 s.
      await bus.subscribe('raw', 'transformer', async (_raw, delivery) => {
        deliveries.push(delivery.id);
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        handled += 1;
      });
      for (let n = 0; n < 3; n += 1) await bus.publish('raw', rawPodEvent(`pod-${n}`), `raw-${n}`);
      await waitFor('3 handled', () => handled >= 3, 40_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(deliveries).toEqual(['raw-0', 'raw-1', 'raw-2']);
      expect(deadLetters.entries).toEqual([]);
    } finally {
      await bus.close();
    }
  }, 60_000);
});

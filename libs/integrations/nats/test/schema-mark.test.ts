import { jetstream } from '@nats-io/jetstream';
import { connect, headers, type MsgHdrs } from '@nats-io/transport-node';
import { MemoryDeadLetters, type UnifiedEvent } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { schemaMark, SCHEMA_HEADER } from '../src/schema-mark.js';
import { NatsEventBus, type NatsBusOptionsInput } from '../src/index.js';
import { unifiedEvent, waitFor } from './fixtures.js';

/**
 * The schema mark on a real nats-server: what Tapio publishes carries its topic's mark, a
 * consumer of the same schema takes marked events as checked (no zod per event), and what
 * is unmarked, marked otherwise, or marked but failing its handler is still validated.
 */
describe('NATS schema mark: validation at the trust boundary only', () => {
  let server: NatsServerHandle;
  const buses: NatsEventBus[] = [];
  let run = 0;
  const unique = (name: string) => `${name}${process.pid}x${(run += 1)}`;

  function bus(prefix: string, options: NatsBusOptionsInput['consume'] = {}, deadLetters = new MemoryDeadLetters()): NatsEventBus {
    const created = new NatsEventBus(
      { servers: server.url, streamPrefix: prefix.toUpperCase(), subjectPrefix: prefix, consume: { ackWait: '5s', retryDelay: '50ms', maxFailures: 3, shutdownGrace: '500ms', ...options } },
      { deadLetters },
    );
    buses.push(created);
    return created;
  }

  /** Publishes an envelope as another client would, with `mark` (or none) as its schema header. */
  async function publishEnvelope(prefix: string, id: string, members: Array<{ id: string; body: unknown }>, mark: string | undefined): Promise<void> {
    const nc = await connect({ servers: server.url });
    try {
      const sent = headers();
      sent.set('Tapio-Envelope', '1');
      sent.set('Nats-Msg-Id', id);
      if (mark !== undefined) sent.set(SCHEMA_HEADER, mark);
      const body = { v: 1, events: members.map((member) => ({ ...member, headers: {} })) };
      await jetstream(nc).publish(`${prefix}.unified._batch._._.p0`, JSON.stringify(body), { headers: sent });
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

  it('marks what Tapio publishes, alone and in envelopes, with the topic schema mark (not shown to handlers)', async () => {
    const prefix = unique('mark');
    const publisher = bus(prefix);
    const nc = await connect({ servers: server.url });
    const marks: Array<string | undefined> = [];
    const subscription = nc.subscribe(`${prefix}.unified.>`, { callback: (_error, msg) => void marks.push((msg.headers as MsgHdrs | undefined)?.get(SCHEMA_HEADER)) });
    try {
      const [alone, ...together] = Array.from({ length: 4 }, (_, n) => unifiedEvent(`evt-${n}`, 'Pod', `pod-${n}`, 'shop'));
      await publisher.publish('unified', alone as UnifiedEvent, 'evt-0', { traceparent: 'trace-0' });
      await Promise.all(together.map((event) => publisher.publish('unified', event, event.id)));
      await waitFor('both messages seen', () => marks.length === 2, 10_000);
      expect(marks).toEqual([schemaMark('unified'), schemaMark('unified')]);
      expect(schemaMark('unified')).toMatch(/^unified-[A-Za-z0-9_-]{22}$/);
      expect(schemaMark('raw')).not.toBe(schemaMark('unified'));
      const headersSeen: Array<Record<string, string>> = [];
      const consumer = bus(prefix);
      await consumer.subscribe('unified', 'correlation', async (_event, delivery) => void headersSeen.push(delivery.headers));
      await consumer.drain();
      expect(headersSeen[0]).toEqual({ traceparent: 'trace-0' });
      expect(headersSeen).toHaveLength(4);
    } finally {
      subscription.unsubscribe();
      await nc.close();
    }
  });

  it('takes marked events as checked, validates unmarked or otherwise marked ones, and checks a marked event once its handler fails', async () => {
    const prefix = unique('trust');
    const deadLetters = new MemoryDeadLetters();
    const consumer = bus(prefix, {}, deadLetters);
    const handled: string[] = [];
    let failures = 0;
    // Like the engine: a handler that breaks on what is not an event.
    await consumer.subscribe('unified', 'correlation', async (event) => {
      if (typeof event.type !== 'string') {
        failures += 1;
        throw new Error('cannot read the event type');
      }
      handled.push(event.id);
    });
    await consumer.start();
    const good = (id: string) => ({ id, body: unifiedEvent(id, 'Pod', 'api-0', 'shop') });
    // Invalid for the schema (yet handled when marked: a marked event is not run through zod).
    const lenient = (id: string) => ({ id, body: { ...unifiedEvent(id, 'Pod', 'api-1', 'shop'), severity: 'catastrophic' } });
    await publishEnvelope(prefix, 'm1', [good('evt-0'), lenient('evt-1'), { id: 'bad', body: { hello: 'world' } }], schemaMark('unified'));
    await publishEnvelope(prefix, 'm2', [lenient('evt-2'), good('evt-3')], 'unified-of-another-schema');
    await publishEnvelope(prefix, 'm3', [lenient('evt-4'), good('evt-5')], undefined);
    await waitFor('three dead letters', () => deadLetters.count() === 3, 10_000);
    await consumer.drain();
    expect(handled).toEqual(['evt-0', 'evt-1', 'evt-3', 'evt-5']);
    // The marked broken event failed once, then was checked and dead-lettered with what is wrong with it.
    expect(failures).toBe(1);
    const letters = deadLetters.recent(10).map((letter) => ({ stage: letter.stage, reason: letter.reason, origin: letter.origin }));
    expect(letters.sort((a, b) => (a.origin ?? '').localeCompare(b.origin ?? ''))).toEqual([
      { stage: 'validate', reason: expect.stringMatching(/^not a valid unified message: .*\(marked with the unified schema; checked after its handler failed: cannot read the event type\)$/), origin: expect.stringMatching(/ seq 1 event 2$/) },
      { stage: 'validate', reason: expect.stringMatching(/^not a valid unified message: severity/), origin: expect.stringMatching(/ seq 2 event 0$/) },
      { stage: 'validate', reason: expect.stringMatching(/^not a valid unified message: severity/), origin: expect.stringMatching(/ seq 3 event 0$/) },
    ]);
  });

  it('validates marked events too with consume.trustMarked false', async () => {
    const prefix = unique('strict');
    const deadLetters = new MemoryDeadLetters();
    const consumer = bus(prefix, { trustMarked: false }, deadLetters);
    const handled: string[] = [];
    await consumer.subscribe('unified', 'correlation', async (event) => void handled.push(event.id));
    await consumer.start();
    const lenient = { ...unifiedEvent('evt-1', 'Pod', 'api-1', 'shop'), severity: 'catastrophic' };
    await publishEnvelope(prefix, 'm1', [{ id: 'evt-0', body: unifiedEvent('evt-0', 'Pod', 'api-0', 'shop') }, { id: 'evt-1', body: lenient }], schemaMark('unified'));
    await waitFor('one dead letter', () => deadLetters.count() === 1, 10_000);
    await consumer.drain();
    expect(handled).toEqual(['evt-0']);
    expect(deadLetters.recent(1)[0]).toMatchObject({ stage: 'validate', reason: expect.stringMatching(/^not a valid unified message: severity/) });
  });
});

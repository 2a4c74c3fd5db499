import { describe, expect, it } from 'vitest';
import { makeUnifiedEvent, partitionKey, partitionOf, RawEvent, type UnifiedEvent } from '@tapio/domain';
import { DeadLetterStore } from '../dead-letter/dead-letter-store.js';
import { InProcessBus } from './in-process-bus.js';

const RAW = RawEvent.parse({ timestamp: '2026-03-02T10:00:00Z', type: 'x', source: 'test', data: {} });

function event(id: string, namespace: string | null, kind = 'Pod'): UnifiedEvent {
  return makeUnifiedEvent(RAW, { eventId: () => id, processedAt: RAW.timestamp }, 'pod_restart', id, {
    message: id,
    entity: { kind, name: `${id}-entity`, cluster: 'c1', ...(namespace ? { namespace } : {}) },
  });
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InProcessBus', () => {
  it('makes publish wait while a consumer queue is full (backpressure), and resume as it drains', async () => {
    const bus = new InProcessBus({ queueCapacity: 2 });
    const release = gate();
    const handled: string[] = [];
    await bus.subscribe('unified', 'slow', async (message) => {
      await release.opened;
      handled.push(message.id);
    });
    // One in the handler, two queued: the bus is full.
    for (const id of ['a', 'b', 'c']) await bus.publish('unified', event(id, 'shop'), id);
    await tick();
    let fourthAccepted = false;
    const fourth = bus.publish('unified', event('d', 'shop'), 'd').then(() => (fourthAccepted = true));
    await tick(50);
    expect(fourthAccepted).toBe(false);
    expect(bus.health().status).toBe('degraded');
    release.open();
    await fourth;
    await bus.drain();
    expect(handled).toEqual(['a', 'b', 'c', 'd']);
    expect(bus.health().status).toBe('ok');
    await bus.close();
  });

  it("hands the handler each message's id and the headers it was published with (the trace context)", async () => {
    const bus = new InProcessBus();
    const deliveries: Array<{ id: string; headers: Readonly<Record<string, string>> }> = [];
    await bus.subscribe('unified', 'g', async (_message, delivery) => void deliveries.push(delivery));
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await bus.publish('unified', event('a', 'shop'), 'a', { traceparent });
    await bus.publish('unified', event('b', 'shop'), 'b');
    await bus.drain();
    expect(deliveries).toEqual([
      { id: 'a', headers: { traceparent } },
      { id: 'b', headers: {} },
    ]);
    await bus.close();
  });

  it('delivers a message id once, however often it is published', async () => {
    const bus = new InProcessBus();
    const seen: string[] = [];
    await bus.subscribe('unified', 'g', async (message) => void seen.push(message.id));
    for (const id of ['x', 'y', 'x', 'x', 'y', 'z']) await bus.publish('unified', event(id, 'shop'), id);
    await bus.drain();
    expect(seen).toEqual(['x', 'y', 'z']);
    expect(bus.stats()).toMatchObject({ published: 3, delivered: 3 });
    await bus.close();
  });

  it('remembers no id of a topic nobody listens to: a copy published once someone does is delivered', async () => {
    const bus = new InProcessBus();
    await bus.publish('unified', event('early', 'shop'), 'early');
    const seen: string[] = [];
    await bus.subscribe('unified', 'g', async (message) => void seen.push(message.id));
    await bus.publish('unified', event('early', 'shop'), 'early');
    await bus.publish('unified', event('early', 'shop'), 'early');
    await bus.drain();
    expect(seen).toEqual(['early']);
    expect(bus.stats()).toMatchObject({ published: 2, delivered: 1 });
    await bus.close();
  });

  it('forgets ids beyond its de-duplication window, oldest first', async () => {
    const bus = new InProcessBus({ dedupeWindow: 2 });
    const seen: string[] = [];
    await bus.subscribe('unified', 'g', async (message) => void seen.push(message.id));
    for (const id of ['a', 'b', 'b', 'c', 'b', 'a']) await bus.publish('unified', event(id, 'shop'), id);
    await bus.drain();
    // after a, b, c the window holds b and c: b is still a duplicate, a is new again
    expect(seen).toEqual(['a', 'b', 'c', 'a']);
    await bus.close();
  });

  it('forgets ids after its duplicate window (time), as a NATS stream does', async () => {
    let now = 0;
    const bus = new InProcessBus({ duplicateWindowMs: 1_000, now: () => now });
    const seen: string[] = [];
    await bus.subscribe('unified', 'g', async (message) => void seen.push(message.id));
    await bus.publish('unified', event('a', 'shop'), 'a');
    now = 999;
    await bus.publish('unified', event('a', 'shop'), 'a');
    await bus.publish('unified', event('b', 'shop'), 'b');
    now = 1_500;
    // a was published at 0: forgotten; b at 999: still a duplicate
    await bus.publish('unified', event('a', 'shop'), 'a');
    await bus.publish('unified', event('b', 'shop'), 'b');
    await bus.drain();
    expect(seen).toEqual(['a', 'b', 'a']);
    expect(bus.stats()).toMatchObject({ published: 3, delivered: 3 });
    await bus.close();
  });

  it('never splits a partition key between partitioned consumers; cluster-scoped events reach every partition', async () => {
    const bus = new InProcessBus();
    const count = 3;
    const received: string[][] = [[], [], []];
    for (let index = 0; index < count; index += 1) {
      await bus.subscribe('unified', 'correlation', async (message) => void received[index]?.push(message.id), { partition: { index, count } });
    }
    const namespaces = ['shop', 'payments', 'analytics', 'monitoring', 'kube-system', 'default', 'ingress'];
    const published: UnifiedEvent[] = [];
    for (let n = 0; n < 140; n += 1) published.push(event(`e${n}`, namespaces[n % namespaces.length] as string));
    published.push(event('node-event', null, 'Node'));
    for (const message of published) await bus.publish('unified', message, message.id);
    await bus.drain();

    const owner = new Map<string, number>();
    received.forEach((ids, index) => {
      for (const id of ids) {
        if (id === 'node-event') continue;
        const message = published.find((item) => item.id === id) as UnifiedEvent;
        const key = partitionKey(message) as string;
        expect(owner.get(key) ?? index).toBe(index);
        owner.set(key, index);
        expect(partitionOf(key, count)).toBe(index);
      }
    });
    expect(owner.size).toBe(namespaces.length);
    expect(received.flat().filter((id) => id !== 'node-event')).toHaveLength(140);
    for (const ids of received) expect(ids).toContain('node-event');
    // Namespaced events really are spread over more than one worker.
    expect(new Set(owner.values()).size).toBeGreaterThan(1);
    await bus.close();
  });

  it('gives every group its own copy and shares a group between its members', async () => {
    const bus = new InProcessBus();
    const byConsumer: Record<string, number> = { a1: 0, a2: 0, b: 0 };
    await bus.subscribe('unified', 'a', async () => void (byConsumer['a1'] = (byConsumer['a1'] ?? 0) + 1));
    await bus.subscribe('unified', 'a', async () => void (byConsumer['a2'] = (byConsumer['a2'] ?? 0) + 1));
    await bus.subscribe('unified', 'b', async () => void (byConsumer['b'] = (byConsumer['b'] ?? 0) + 1));
    for (let n = 0; n < 100; n += 1) await bus.publish('unified', event(`m${n}`, 'shop'), `m${n}`);
    await bus.drain();
    expect(byConsumer['b']).toBe(100);
    expect((byConsumer['a1'] ?? 0) + (byConsumer['a2'] ?? 0)).toBe(100);
    expect(byConsumer['a1']).toBeGreaterThan(0);
    expect(byConsumer['a2']).toBeGreaterThan(0);
    await bus.close();
  });

  it('redelivers a message whose handler fails, and succeeds when a retry does', async () => {
    const deadLetters = new DeadLetterStore();
    const bus = new InProcessBus({ maxDeliver: 3, deadLetters });
    let attempts = 0;
    await bus.subscribe('unified', 'flaky', async () => {
      attempts += 1;
      if (attempts < 3) throw new Error(`attempt ${attempts} failed`);
    });
    await bus.publish('unified', event('r', 'shop'), 'r');
    await bus.drain();
    expect(attempts).toBe(3);
    expect(deadLetters.count()).toBe(0);
    expect(bus.stats().dropped).toBe(0);
    await bus.close();
  });

  it('dead-letters a message after maxDeliver failed deliveries, with the reason, and keeps going', async () => {
    const deadLetters = new DeadLetterStore();
    const bus = new InProcessBus({ maxDeliver: 2, deadLetters });
    const attempts: Record<string, number> = {};
    const handled: string[] = [];
    await bus.subscribe('unified', 'graph', async (message) => {
      attempts[message.id] = (attempts[message.id] ?? 0) + 1;
      if (message.id === 'poison') throw new Error('graph store refused the event');
      handled.push(message.id);
    });
    for (const id of ['before', 'poison', 'after']) await bus.publish('unified', event(id, 'shop'), id);
    await bus.drain();
    expect(attempts).toEqual({ before: 1, poison: 2, after: 1 });
    expect(handled).toEqual(['before', 'after']);
    expect(bus.stats().dropped).toBe(1);
    const [letter] = deadLetters.recent(10);
    expect(letter).toMatchObject({ stage: 'process', origin: 'bus:unified/graph' });
    expect(letter?.reason).toBe('unified handler of group "graph" failed 2 times: graph store refused the event');
    expect((letter?.payload as UnifiedEvent).id).toBe('poison');
    await bus.close();
  });

  it('drain() resolves only once everything published has been handled', async () => {
    const bus = new InProcessBus();
    let handled = 0;
    await bus.subscribe('unified', 'g', async () => {
      await tick(2);
      handled += 1;
    }, { concurrency: 4 });
    for (let n = 0; n < 40; n += 1) await bus.publish('unified', event(`d${n}`, 'shop'), `d${n}`);
    await bus.drain();
    expect(handled).toBe(40);
    expect(bus.stats().queueDepth).toEqual({ 'unified/g': 0 });
    await bus.close();
    await expect(bus.publish('unified', event('late', 'shop'), 'late')).rejects.toThrow('event bus is closed; cannot publish unified message late');
  });

  it('rejects an impossible partition at subscribe', async () => {
    const bus = new InProcessBus();
    await expect(bus.subscribe('unified', 'g', async () => undefined, { partition: { index: 3, count: 3 } })).rejects.toThrow('invalid partition 3 of 3');
    await bus.close();
  });
});

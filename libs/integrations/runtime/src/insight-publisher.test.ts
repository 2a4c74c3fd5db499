import { describe, expect, it } from 'vitest';
import type { BusHeaders, EventBus, Insight } from '@tapio/domain';
import { InsightPublisher, insightMessageId } from './insight-publisher.js';

function insight(id: string, symptoms: number, confidence = 0.5): Insight {
  return { id, lastSeen: `2026-03-02T10:00:0${symptoms}Z`, symptoms: Array.from({ length: symptoms }, (_, index) => ({ eventId: `e${index}` })), confidence } as unknown as Insight;
}

/** A bus that records what it was given and stores it when told. */
function recordingBus() {
  const published: Array<{ insight: Insight; id: string; headers: BusHeaders | undefined; store: () => void; fail: (error: Error) => void }> = [];
  const bus: Pick<EventBus, 'publish'> = {
    publish: (_topic, message, id, headers) =>
      new Promise<void>((resolve, reject) => void published.push({ insight: message as Insight, id, headers, store: resolve, fail: reject })),
  };
  return { bus, published };
}

const turn = () => new Promise((done) => setImmediate(done));

describe('InsightPublisher', () => {
  it('publishes only the newest version of an insight offered in one turn, and every caller waits for it to be stored', async () => {
    const { bus, published } = recordingBus();
    const publisher = new InsightPublisher(bus);
    const settled: string[] = [];
    const first = publisher.publish([insight('a', 1)], 1).then(() => settled.push('first'));
    const second = publisher.publish([insight('a', 2), insight('b', 1)], 2).then(() => settled.push('second'));
    const third = publisher.publish([insight('a', 3)], 3).then(() => settled.push('third'));
    await turn();
    expect(published.map((entry) => entry.id)).toEqual([insightMessageId(insight('a', 3)), insightMessageId(insight('b', 1))]);
    published[0]?.store();
    await turn();
    // b (offered by the second caller) is not stored yet: only the first and third are done.
    expect(settled.sort()).toEqual(['first', 'third']);
    published[1]?.store();
    await Promise.all([first, second, third]);
    expect(publisher.counters).toEqual({ offered: 4, published: 2 });
  });

  it('keeps the newer version when an older one is offered later in the same turn (graph writes finishing out of order)', async () => {
    const { bus, published } = recordingBus();
    const publisher = new InsightPublisher(bus);
    const done = Promise.all([publisher.publish([insight('a', 5)], 7, { traceparent: 'new' }), publisher.publish([insight('a', 4)], 6, { traceparent: 'old' })]);
    await turn();
    expect(published).toHaveLength(1);
    expect(published[0]?.insight.symptoms).toHaveLength(5);
    expect(published[0]?.headers).toEqual({ traceparent: 'new' });
    published[0]?.store();
    await done;
  });

  it('publishes again in a later turn, and rejects every caller of a version the bus refused', async () => {
    const { bus, published } = recordingBus();
    const publisher = new InsightPublisher(bus);
    const early = publisher.publish([insight('a', 1)], 1);
    await turn();
    const late = publisher.publish([insight('a', 2)], 2);
    const later = publisher.publish([insight('a', 3)], 3);
    await turn();
    expect(published.map((entry) => entry.insight.symptoms.length)).toEqual([1, 3]);
    published[0]?.store();
    await early;
    published[1]?.fail(new Error('stream full'));
    await expect(late).rejects.toThrow('stream full');
    await expect(later).rejects.toThrow('stream full');
  });

  it('resolves at once when the engine changed no insight', async () => {
    const { bus, published } = recordingBus();
    await new InsightPublisher(bus).publish([], 1);
    expect(published).toHaveLength(0);
  });

  it('gives a re-rated version (same symptoms and lastSeen, another confidence) its own message id', () => {
    expect(insightMessageId(insight('a', 2, 0.7))).not.toBe(insightMessageId(insight('a', 2, 0.8)));
    expect(insightMessageId(insight('a', 2, 0.7))).toBe(insightMessageId(insight('a', 2, 0.7)));
  });
});

import { describe, expect, it } from 'vitest';
import { RawEvent, type TransformContext } from '@tapio/domain';
import { KubeApiTransformer } from './kubeapi-transformer.js';

/**
 * What the chaos test found (seed 354174591: 1 `pod_restart` of 2,962 never derived): a
 * killed transformer's unacknowledged RawEvents are delivered again by NATS only after
 * ack_wait, while the restarted transformer already takes the newer ones. When three newer
 * versions of the object came first, the version the late RawEvent must be diffed against
 * had been dropped (3 are kept), and the RawEvent derived nothing.
 */

/** Line n of a recording: one pod whose container restarts once per version (line 0 adds it). */
function podLine(line: number): RawEvent {
  const type = line === 0 ? 'ADDED' : 'MODIFIED';
  const object = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'worker-0', namespace: 'chaos', uid: 'uid-worker-0', resourceVersion: String(1000 + line) },
    spec: { nodeName: 'node-0', containers: [{ name: 'app', image: 'worker:1' }] },
    status: {
      phase: 'Running',
      containerStatuses: [{ name: 'app', ready: true, restartCount: line, image: 'worker:1', state: { running: { startedAt: '2026-03-02T08:00:00Z' } }, ...(line > 0 ? { lastState: { terminated: { reason: 'Error', exitCode: 1 } } } : {}) }],
    },
  };
  return RawEvent.parse({ timestamp: new Date(Date.parse('2026-03-02T08:00:00Z') + line * 1000).toISOString(), source: 'kubeapi', type, metadata: { cluster: 'chaos' }, data: { type, object } });
}

/** The context of line n delivered by a durable bus whose subscription has everything up to `settled` acknowledged (stream sequence = line + 1). */
const delivered = (line: number, settled?: number): TransformContext => ({
  eventId: (_raw, discriminator) => `line${line}#${discriminator}`,
  processedAt: '2026-03-02T12:00:00.000Z',
  cluster: 'chaos',
  ...(settled !== undefined ? { position: { sequence: line + 1, settled } } : {}),
});

const LINES = 12;

function uninterrupted(): Map<string, string> {
  const transformer = new KubeApiTransformer();
  const events = new Map<string, string>();
  for (let line = 0; line < LINES; line += 1) for (const event of transformer.transform(podLine(line), delivered(line))) events.set(event.id, event.type);
  return events;
}

/** Durable state as the transformer stage keeps it: what `changes()` gave after each acknowledged transform. */
function keep(transformer: KubeApiTransformer, store: Map<string, unknown>): void {
  for (const [key, value] of transformer.durableState.changes()) {
    if (value === undefined) store.delete(key);
    else store.set(key, JSON.parse(JSON.stringify(value)));
  }
}

describe('a RawEvent delivered again after newer versions of its object', () => {
  const late = 4;

  /**
   * Lines 0..3 handled and acknowledged one by one by a first transformer; line 4 was
   * delivered to it, and it was killed before handling it. Its messages come back only
   * after ack_wait: the restarted transformer takes lines 5..11 first, while the bus's
   * acknowledgement floor stays below line 4 (sequence 5).
   */
  function killedBeforeTheLateLine() {
    const events = new Map<string, string>();
    const store = new Map<string, unknown>();
    const first = new KubeApiTransformer();
    first.durableState.restore([]);
    for (let line = 0; line < late; line += 1) {
      for (const event of first.transform(podLine(line), delivered(line, line))) events.set(event.id, event.type);
      keep(first, store);
    }
    const restarted = new KubeApiTransformer();
    restarted.durableState.restore(store);
    for (let line = late + 1; line < LINES; line += 1) {
      for (const event of restarted.transform(podLine(line), delivered(line, late))) events.set(event.id, event.type);
      keep(restarted, store);
    }
    return { events, store, restarted };
  }

  it('still derives its events when the restarted transformer took 3+ newer versions first (killed before handling it)', () => {
    const reference = uninterrupted();
    expect([...reference.values()].filter((type) => type === 'pod_restart')).toHaveLength(LINES - 1);
    const { events, restarted } = killedBeforeTheLateLine();
    for (const event of restarted.transform(podLine(late), delivered(late, late))) events.set(event.id, event.type);
    expect(events).toEqual(reference);
  });

  it('survives a second restart between the newer versions and the late one (the kept versions are durable)', () => {
    const { events, store } = killedBeforeTheLateLine();
    const third = new KubeApiTransformer();
    third.durableState.restore(store);
    for (const event of third.transform(podLine(late), delivered(late, late))) events.set(event.id, event.type);
    expect(events).toEqual(uninterrupted());
  });

  it('drops versions beyond the depth once the bus settled them, and then takes a copy published again for one already stored', () => {
    const transformer = new KubeApiTransformer();
    transformer.durableState.restore([]);
    for (let line = 0; line < LINES; line += 1) transformer.transform(podLine(line), delivered(line, line));
    const [, versions] = transformer.durableState.changes().find(([key]) => key.startsWith('o|')) as [string, Array<{ rv: string }>];
    expect(versions.map((version) => version.rv)).toEqual(['1009', '1010', '1011']);
    // Line 2 again (a collector that replayed its file after the duplicate window): stored long ago, derives nothing.
    expect(transformer.transform(podLine(2), delivered(2, LINES))).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RawEvent, type ResourceNode, type UnifiedEvent } from '@tapio/domain';
import { KubeApiTransformer } from './kubeapi-transformer.js';

// PlannedNodes (nodes cordoned, drained or being scaled down) is part of the transformer's
// durable state: a restart in the middle of a drain must still call the node's NotReady planned.

const at = (second: number) => new Date(Date.UTC(2026, 2, 2, 10, 0, second)).toISOString().replace('.000Z', 'Z');
const CORDON = { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] };

function watch(type: 'ADDED' | 'MODIFIED', object: Record<string, unknown>, second = 0): RawEvent {
  return RawEvent.parse({ timestamp: at(second), type, source: 'kubeapi', metadata: { cluster: 'c1', collector: 'kubeapi' }, data: { type, object } });
}
function node(version: number, spec: Record<string, unknown>, ready: 'True' | 'Unknown'): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2', uid: 'n-2', resourceVersion: String(version) }, spec, status: { conditions: [{ type: 'Ready', status: ready }] } };
}
function nodeEvent(reason: string, second: number): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name: `node-2.${reason}`, namespace: 'default', uid: `ev-${reason}`, resourceVersion: String(100 + second) }, involvedObject: { kind: 'Node', name: 'node-2', uid: 'node-2' }, reason, message: `Node node-2 status is now: ${reason}`, type: 'Normal', count: 1, lastTimestamp: at(second), source: { component: 'node-controller' } };
}

/** The drain: node ready, cordoned, NotReady (with the node controller's Event), back and uncordoned. */
const DRAIN = [
  watch('ADDED', node(1, {}, 'True')),
  watch('MODIFIED', node(2, CORDON, 'True'), 1),
  watch('MODIFIED', node(3, CORDON, 'Unknown'), 20),
  watch('ADDED', nodeEvent('NodeNotReady', 20), 20),
  watch('MODIFIED', node(4, {}, 'True'), 60),
];

/** What a durable store keeps: the last value of every entry the transformer reported as changed. */
class Store {
  readonly entries = new Map<string, unknown>();
  take(transformer: KubeApiTransformer): void {
    for (const [key, value] of transformer.durableState.changes()) {
      if (value === undefined) this.entries.delete(key);
      else this.entries.set(key, JSON.parse(JSON.stringify(value)));
    }
  }
}

const signals = (events: UnifiedEvent[]) =>
  events.filter((event) => !['resource_created', 'resource_updated', 'node_spec_changed'].includes(event.type)).map((event) => `${event.type}:${event.annotations?.['lifecycle'] ?? '-'}`);

/** Runs `raws` with a restart before line `restartAt`; the restarted transformer reads the store, minus what `forget` drops. */
function withRestart(raws: readonly RawEvent[], restartAt: number, forget: (key: string) => boolean = () => false): UnifiedEvent[] {
  const store = new Store();
  let transformer = new KubeApiTransformer();
  transformer.durableState.restore([]);
  const out: UnifiedEvent[] = [];
  raws.forEach((raw, index) => {
    if (index === restartAt) {
      transformer = new KubeApiTransformer();
      transformer.durableState.restore([...store.entries].filter(([key]) => !forget(key)));
    }
    const context = { eventId: (_raw: RawEvent, discriminator: string) => `r${index}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster: raw.metadata['cluster'] ?? 'c1' };
    out.push(...transformer.transform(raw, context));
    store.take(transformer);
  });
  return out;
}

describe('kubeapi transformer: planned node maintenance survives a restart', () => {
  it('a restart after the cordon still calls the NotReady and its Event planned', () => {
    const expected = ['node_cordoned:planned', 'node_not_ready:planned', 'node_not_ready:planned', 'node_uncordoned:planned', 'node_ready:-'];
    for (let restartAt = 0; restartAt <= DRAIN.length; restartAt += 1) expect(signals(withRestart(DRAIN, restartAt)), `restart before line ${restartAt}`).toEqual(expected);
  });

  it('without the planned entries (the state as it was before) the same restart reports an outage: the test can fail', () => {
    // Restarted between the node's NotReady version and the node controller's Event about it.
    const events = signals(withRestart(DRAIN, 3, (key) => key.startsWith('p|')));
    expect(events).toEqual(['node_cordoned:planned', 'node_not_ready:planned', 'node_not_ready:-', 'node_uncordoned:planned', 'node_ready:-']);
  });

  it('with no durable state, a node stored cordoned in the graph is still under planned maintenance (warm start)', () => {
    const stored: ResourceNode = {
      key: 'c1/Node//node-2',
      ref: { cluster: 'c1', kind: 'Node', name: 'node-2', uid: 'n-2' },
      deleted: false,
      updatedAt: at(1),
      facts: { kind: 'Node', name: 'node-2', uid: 'n-2', unschedulable: true, taints: ['node.kubernetes.io/unschedulable:NoSchedule'], resourceVersion: '2' },
    };
    const transformer = new KubeApiTransformer();
    transformer.remember([stored]);
    const events = [DRAIN[3] as RawEvent].flatMap((raw, index) => transformer.transform(raw, { eventId: (_raw, discriminator) => `w${index}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster: 'c1' }));
    expect(signals(events)).toEqual(['node_not_ready:planned']);
  });

  it('a real drain-and-uncordon recording: a restart before any other line derives exactly the events of an uninterrupted run', () => {
    const raws = readFileSync(new URL('../../../../../examples/recordings/real/drain-uncordon.ndjson', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((text) => RawEvent.parse(JSON.parse(text)));
    const text = (events: UnifiedEvent[]) => events.map((event) => `${event.id} ${event.type} ${JSON.stringify(event.annotations ?? {})}`);
    const uninterrupted = text(withRestart(raws, -1));
    expect(uninterrupted.some((line) => line.includes('"lifecycle":"planned"'))).toBe(true);
    for (let restartAt = 1; restartAt < raws.length; restartAt += 2) expect(text(withRestart(raws, restartAt)), `restart before line ${restartAt}`).toEqual(uninterrupted);
  });
});

import { describe, expect, it } from 'vitest';
import { EVENT_SEMANTICS, TopologyIndex, type TopologyChange, type UnifiedEvent } from '@tapio/domain';
import { MemoryGraphStore } from './memory-graph-store.js';

const AT = '2026-03-02T10:00:00Z';

function event(id: string, name: string): UnifiedEvent {
  const semantics = EVENT_SEMANTICS.pod_restart;
  return {
    id,
    type: 'pod_restart',
    timestamp: AT,
    source: 'test',
    severity: semantics.severity,
    message: id,
    semantic: { intent: semantics.intent, category: semantics.category, narrative: id },
    entity: { cluster: 'c', kind: 'Pod', namespace: 'shop', name },
    processedAt: AT,
  };
}

const podUpsert: TopologyChange = {
  op: 'upsert',
  node: { key: 'c/Pod/shop/web', ref: { cluster: 'c', kind: 'Pod', namespace: 'shop', name: 'web' }, deleted: false, updatedAt: AT },
  replace: [{ type: 'MOUNTS', direction: 'out' }],
  edges: [{ type: 'MOUNTS', from: 'c/Pod/shop/web', to: 'c/ConfigMap/shop/conf' }],
};

describe('MemoryGraphWriter', () => {
  it('applies one unit in order: the correlation between two events of the same unit finds both', async () => {
    const store = new MemoryGraphStore();
    await store.start();
    await store.write({
      topology: [podUpsert],
      events: [event('a', 'web'), event('b', 'web')],
      correlations: [{ kind: 'CAUSED', fromEventId: 'a', toEventId: 'b', confidence: 0.9, reason: 'test', correlator: 'test' }],
    });
    expect(await store.stats()).toEqual({ resources: 2, events: 2, relationships: 1 + 2 + 1, insights: 0 });
    expect((await store.eventContext('b'))?.rootCause?.id).toBe('a');
    // The ConfigMap only known by the edge to it is a node that callers without a cluster find.
    expect((await store.resource({ kind: 'ConfigMap', namespace: 'shop', name: 'conf' }))?.key).toBe('c/ConfigMap/shop/conf');
  });

  it('keeps a shared topology index current and still finds what the engine put there first', async () => {
    const topology = new TopologyIndex();
    topology.apply(podUpsert);
    const store = new MemoryGraphStore({ topology });
    await store.start();
    await store.write({ topology: [podUpsert], events: [event('a', 'web')] });
    expect(topology.size).toBe(2);
    expect((await store.resource({ kind: 'Pod', namespace: 'shop', name: 'web' }))?.key).toBe('c/Pod/shop/web');
    expect((await store.impact({ kind: 'ConfigMap', namespace: 'shop', name: 'conf' })).pods.map((pod) => pod.name)).toEqual(['web']);
  });
});

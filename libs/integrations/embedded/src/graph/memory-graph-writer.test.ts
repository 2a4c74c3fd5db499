import { describe, expect, it } from 'vitest';
import { EVENT_SEMANTICS, insightWith, TopologyIndex, type Insight, type Prediction, type TopologyChange, type UnifiedEvent } from '@tapio/domain';
import { InsightShelf } from './parts/insight-shelf.js';
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

  it('keeps as many predictions as insights (maxInsights), the oldest going first', async () => {
    const store = new MemoryGraphStore({ maxInsights: 3 });
    await store.start();
    const prediction = (n: number, message = 'expected'): Prediction => ({ id: `p${n}`, patternId: 'oom', type: 'oom_kill', confidence: 0.5, message, impact: [], createdAt: AT });
    for (let n = 1; n <= 5; n += 1) await store.write({ predictions: [prediction(n)] });
    // A newer version of a kept prediction replaces it.
    await store.write({ predictions: [prediction(4, 'judged')] });
    const kept = await store.predictionsOf({});
    expect(kept.map((item) => item.id).sort()).toEqual(['p3', 'p4', 'p5']);
    expect((await store.prediction('p4'))?.message).toBe('judged');
    expect(await store.prediction('p1')).toBeUndefined();
  });
});

describe('InsightShelf', () => {
  const insight = (n: number): Insight =>
    insightWith({
      id: `ins-${n}`,
      title: `incident ${n}`,
      rootCause: { entity: { cluster: 'c', kind: 'Pod', namespace: 'shop', name: `web-${n}` }, what: 'restarted' },
      symptoms: [{ cluster: 'c', kind: 'Pod', namespace: 'shop', name: `web-${n}-peer` }],
      createdAt: AT,
    });

  it('forgets the entities of insights it dropped: pods under new names do not grow the index', () => {
    const shelf = new InsightShelf(2);
    for (let n = 1; n <= 100; n += 1) shelf.put([insight(n)]);
    expect(shelf.size).toBe(2);
    // two insights, each about its root and one symptom
    expect(shelf.entityCount).toBe(4);
    expect(shelf.about(['c/Pod/shop/web-100']).map((item) => item.id)).toEqual(['ins-100']);
    expect(shelf.about(['c/Pod/shop/web-1'])).toEqual([]);
  });

  it('indexes a new version by what it is about now: a re-rated one as before, one whose symptoms changed by the new ones only', () => {
    const shelf = new InsightShelf(10);
    const first = insight(1);
    shelf.put([first, insight(2)]);
    const rerated = { ...first, confidence: 0.42 };
    shelf.put([rerated]);
    expect(shelf.about(['c/Pod/shop/web-1-peer'])).toEqual([rerated]);
    const moved = { ...rerated, symptoms: [{ cluster: 'c', kind: 'Pod', namespace: 'shop', name: 'web-1-other' }] };
    shelf.put([moved]);
    expect(shelf.about(['c/Pod/shop/web-1-peer'])).toEqual([]);
    expect(shelf.about(['c/Pod/shop/web-1-other'])).toEqual([moved]);
    expect(shelf.about(['c/Pod/shop/web-1'])).toEqual([moved]);
    // The same entities in a new array (an edited copy) are indexed as they were.
    shelf.put([{ ...moved, symptoms: [...moved.symptoms] }]);
    expect(shelf.entityCount).toBe(4);
    expect(shelf.about(['c/Pod/shop/web-2-peer']).map((item) => item.id)).toEqual(['ins-2']);
  });
});

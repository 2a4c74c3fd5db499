import { describe, expect, it } from 'vitest';
import { entityKey, type EntityRef, type Insight } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { builtinEngine, summary } from '../../test/support/engine.js';
import { CONSUMER_REASON } from './consumer-rejudging.js';

const MI = 1024 * 1024;

/**
 * Two nodes; a BestEffort preview app (1.5 GiB, request 0) and a batch without a memory limit
 * (request 7 GiB) on each. The kubelet ranks by use above request, so the preview pod goes
 * first on a node under memory pressure, the batch (9 GiB used) minutes later.
 */
function cluster() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1', 'node-2');
  const preview = fixture.workload('sandbox', 'promo-preview', { replicas: 2, nodes: ['node-1', 'node-2'] });
  const batch = fixture.workload('risk', 'exposure-recalc', { replicas: 2, nodes: ['node-1', 'node-2'] });
  fixture.advance(120);
  const evictForMemory = (pod: EntityRef, usedMi: number, requestMi: number) => {
    const event = fixture.evict(pod, `The node was low on resource: memory. Threshold quantity: 100Mi, available: 4Ki. Container app was using ${usedMi}Mi, request is ${requestMi}, has larger consumption of memory. `);
    event.annotations = { 'eviction.resource': 'memory', 'memory.usage_bytes': String(usedMi * MI), 'memory.request_bytes': String(requestMi * MI) };
  };
  return { fixture, preview, batch, evictForMemory };
}

function run(events: ClusterFixture['events']) {
  const engine = builtinEngine();
  const output: Insight[] = [];
  for (const event of events) output.push(...engine.process(event).insights);
  output.push(...engine.releaseDue(Number.POSITIVE_INFINITY).insights);
  return { roots: engine.rootInsights(), output };
}

const keyOf = (ref: EntityRef) => entityKey(ref);

describe('node pressure judged again when the consumer reports', () => {
  it('names the victim while only its figure is known', () => {
    const { fixture, preview, evictForMemory } = cluster();
    fixture.nodeCondition('node-1', 'memory_pressure', 'MemoryPressure');
    evictForMemory(preview.pods[0] as EntityRef, 1_561, 0);
    fixture.advance(30);
    const { roots } = run(fixture.events);
    expect(keyOf(roots[0]?.rootCause.entity as EntityRef), summary(roots)).toBe(keyOf(preview.ref));
  });

  it('moves the incident to the consumer once its much larger figure comes, the victim a symptom of it', () => {
    const { fixture, preview, batch, evictForMemory } = cluster();
    fixture.nodeCondition('node-1', 'memory_pressure', 'MemoryPressure');
    evictForMemory(preview.pods[0] as EntityRef, 1_561, 0);
    fixture.advance(300);
    evictForMemory(batch.pods[0] as EntityRef, 9_269, 7_168);
    fixture.advance(30);
    const { roots } = run(fixture.events);
    expect(roots.length, summary(roots)).toBe(1);
    expect(roots[0]?.pattern).toBe('node-memory-pressure');
    expect(keyOf(roots[0]?.rootCause.entity as EntityRef)).toBe(keyOf(batch.ref));
    expect(roots[0]?.symptoms.map(keyOf)).toContain(keyOf(preview.pods[0] as EntityRef));
    expect(roots[0]?.previousOccurrences ?? []).toEqual([]);
  });

  it('folds a second node’s victim incident into the consumer’s, and says so in the output', () => {
    const { fixture, preview, batch, evictForMemory } = cluster();
    fixture.nodeCondition('node-1', 'memory_pressure', 'MemoryPressure');
    evictForMemory(preview.pods[0] as EntityRef, 1_561, 0);
    fixture.advance(120);
    evictForMemory(batch.pods[0] as EntityRef, 9_269, 7_168);
    fixture.advance(120);
    // The other node: the victim first again (a new incident), then the consumer.
    fixture.nodeCondition('node-2', 'memory_pressure', 'MemoryPressure');
    evictForMemory(preview.pods[1] as EntityRef, 1_561, 0);
    fixture.advance(120);
    evictForMemory(batch.pods[1] as EntityRef, 9_900, 7_168);
    fixture.advance(30);
    const { roots, output } = run(fixture.events);
    expect(roots.map((insight) => keyOf(insight.rootCause.entity)), summary(roots)).toEqual([keyOf(batch.ref)]);
    expect(roots[0]?.symptoms.map(keyOf)).toEqual(expect.arrayContaining([keyOf(preview.pods[0] as EntityRef), keyOf(preview.pods[1] as EntityRef)]));
    const folded = output.filter((insight) => insight.explainedBy);
    expect(folded.map((insight) => keyOf(insight.rootCause.entity))).toContain(keyOf(preview.ref));
    expect(folded[0]?.explainedBy).toMatchObject({ insightId: roots[0]?.id, reason: CONSUMER_REASON });
  });

  it('leaves a victim incident of another node alone (another episode)', () => {
    const { fixture, preview, batch, evictForMemory } = cluster();
    fixture.nodeCondition('node-2', 'memory_pressure', 'MemoryPressure');
    evictForMemory(preview.pods[1] as EntityRef, 1_561, 0);
    fixture.advance(120);
    fixture.nodeCondition('node-1', 'memory_pressure', 'MemoryPressure');
    evictForMemory(batch.pods[0] as EntityRef, 9_269, 7_168);
    fixture.advance(30);
    const { roots } = run(fixture.events);
    expect(roots.map((insight) => keyOf(insight.rootCause.entity)).sort(), summary(roots)).toEqual([keyOf(batch.ref), keyOf(preview.ref)].sort());
  });
});

import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { PerformanceCorrelator } from './performance-correlator.js';

function cluster() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1', 'node-2');
  const hog = fixture.workload('shop', 'recommendations', { replicas: 2, nodes: ['node-2'] });
  const victim = fixture.workload('analytics', 'report-worker', { replicas: 1, nodes: ['node-2'] });
  const far = fixture.workload('analytics', 'exporter', { replicas: 1, nodes: ['node-1'] });
  fixture.advance(60);
  return { fixture, hog, victim, far };
}

describe('PerformanceCorrelator', () => {
  const correlator = new PerformanceCorrelator();

  it('OOM kills on a node CAUSED its memory pressure; kills on other nodes did not', () => {
    const { fixture, hog, far } = cluster();
    const kill1 = fixture.oomKill(hog.pods[0] as EntityRef, 1);
    fixture.advance(30);
    const kill2 = fixture.oomKill(hog.pods[1] as EntityRef, 1);
    fixture.oomKill(far.pods[0] as EntityRef, 1);
    fixture.advance(60);
    const pressure = fixture.nodeCondition('node-2', 'memory_pressure', 'MemoryPressure');
    expect(fromTo(edgesFor(correlator, fixture.events, pressure))).toEqual([`CAUSED ${kill1.id} -> ${pressure.id}`, `CAUSED ${kill2.id} -> ${pressure.id}`]);
  });

  it('memory pressure CAUSED the eviction that follows on its node, not one on another node', () => {
    const { fixture, victim, far } = cluster();
    const pressure = fixture.nodeCondition('node-2', 'memory_pressure', 'MemoryPressure');
    fixture.advance(10);
    const evicted = fixture.evict(victim.pods[0] as EntityRef);
    const elsewhere = fixture.evict(far.pods[0] as EntityRef, 'The node had condition: [DiskPressure].');
    const edges = edgesFor(correlator, fixture.events, evicted);
    expect(fromTo(edges)).toEqual([`CAUSED ${pressure.id} -> ${evicted.id}`]);
    expect(edges[0]?.confidence).toBeGreaterThan(0.8);
    expect(edgesFor(correlator, fixture.events, elsewhere)).toEqual([]);
  });

  it('an OOM kill of another workload on the same node is CORRELATED_WITH the first (noisy neighbour), a sibling kill is not', () => {
    const { fixture, hog, victim } = cluster();
    const first = fixture.oomKill(hog.pods[0] as EntityRef, 1);
    fixture.advance(20);
    const sibling = fixture.oomKill(hog.pods[1] as EntityRef, 1);
    fixture.advance(20);
    const neighbour = fixture.oomKill(victim.pods[0] as EntityRef, 1);
    expect(edgesFor(correlator, fixture.events, sibling)).toEqual([]);
    expect(fromTo(edgesFor(correlator, fixture.events, neighbour))).toEqual([`CORRELATED_WITH ${first.id} -> ${neighbour.id}`]);
  });

  it('pressure older than the window explains nothing', () => {
    const { fixture, victim } = cluster();
    fixture.nodeCondition('node-2', 'memory_pressure', 'MemoryPressure');
    fixture.advance(40 * 60);
    const evicted = fixture.evict(victim.pods[0] as EntityRef);
    expect(edgesFor(correlator, fixture.events, evicted)).toEqual([]);
  });
});

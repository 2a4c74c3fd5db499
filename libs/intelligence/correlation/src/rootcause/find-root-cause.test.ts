import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { caused } from '../../test/support/units.js';
import { WorkingState } from '../state/working-state.js';
import { CausalGraph } from './causal-graph.js';
import { findRootCause } from './find-root-cause.js';

describe('findRootCause', () => {
  it('a cause reported in the same second as its effect is the root (the effect does not win the tie on its own chain confidence)', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const app = cluster.workload('shop', 'reindex', { replicas: 2, nodes: ['node-1'] });
    cluster.advance(10);
    const preempted = cluster.signal('pod_preempted', app.pods[0]!);
    const pending = cluster.signal('pod_unschedulable', app.pods[1]!);
    const state = new WorkingState();
    let start;
    for (const event of cluster.events) start = state.add(event)?.indexed;
    const graph = new CausalGraph();
    graph.add(caused(preempted, pending), () => true);
    const path = findRootCause(start!, graph, state);
    expect(path.events.map((item) => item.event.id)).toEqual([preempted.id, pending.id]);
  });

  it('an event without causes is its own root', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const app = cluster.workload('shop', 'reindex', { replicas: 1, nodes: ['node-1'] });
    const pending = cluster.signal('pod_unschedulable', app.pods[0]!);
    const state = new WorkingState();
    let start;
    for (const event of cluster.events) start = state.add(event)?.indexed;
    expect(findRootCause(start!, new CausalGraph(), state).events.map((item) => item.event.id)).toEqual([pending.id]);
  });
});

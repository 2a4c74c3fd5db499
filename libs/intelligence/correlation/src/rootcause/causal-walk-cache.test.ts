import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { caused } from '../../test/support/units.js';
import { WorkingState } from '../state/working-state.js';
import { CausalWalkCache } from './causal-walk-cache.js';

/** A ConfigMap edit, a rollout, then a crash: three events in a working state. */
function cascade(windowMs?: number) {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const config = cluster.configMap('shop', 'checkout-config');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 1, configMaps: ['checkout-config'], nodes: ['node-1'] });
  cluster.advance(60);
  const edit = cluster.editConfig(config);
  cluster.advance(60);
  const rollout = cluster.signal('workload_spec_changed', checkout.ref);
  cluster.advance(60);
  const crash = cluster.crashLoop(checkout.pods[0]!, 3);
  const state = new WorkingState(windowMs ? { windowMs } : {});
  const add = (event: (typeof cluster.events)[number]) => {
    const added = state.add(event);
    if (!added) throw new Error('duplicate');
    return added.indexed;
  };
  return { cluster, state, add, edit, rollout, crash };
}

describe('CausalWalkCache', () => {
  it('walks from an event back to its earliest cause along the edges', () => {
    const { cluster, state, add, edit, rollout, crash } = cascade();
    for (const event of cluster.events.slice(0, -3)) add(event);
    const walks = new CausalWalkCache(state);
    add(edit);
    add(rollout);
    walks.add(caused(edit, rollout), rollout.id);
    const start = add(crash);
    walks.add(caused(rollout, crash), crash.id);
    const path = walks.rootPath(start);
    expect(path.events.map((item) => item.event.id)).toEqual([edit.id, rollout.id, crash.id]);
    expect(path.edges).toHaveLength(2);
  });

  it('reuses a walk while the ancestry cannot have changed', () => {
    const { cluster, state, add, edit, rollout, crash } = cascade();
    for (const event of cluster.events.slice(0, -3)) add(event);
    const walks = new CausalWalkCache(state);
    add(edit);
    const start = add(rollout);
    walks.add(caused(edit, rollout), rollout.id);
    const first = walks.rootPath(start);
    // An edge into the newest event (the one being processed) leaves earlier walks valid.
    add(crash);
    walks.add(caused(rollout, crash), crash.id);
    expect(walks.rootPath(start)).toBe(first);
    expect(walks.size).toBe(1);
  });

  it('forgets every walk when an edge reaches into an earlier event', () => {
    const { cluster, state, add, edit, rollout, crash } = cascade();
    for (const event of cluster.events.slice(0, -3)) add(event);
    const walks = new CausalWalkCache(state);
    add(edit);
    const start = add(rollout);
    const alone = walks.rootPath(start);
    expect(alone.events.map((item) => item.event.id)).toEqual([rollout.id]);
    add(crash);
    // Found late (processing the crash): the edit explains the rollout.
    walks.add(caused(edit, rollout), crash.id);
    expect(walks.size).toBe(0);
    expect(walks.rootPath(start).events.map((item) => item.event.id)).toEqual([edit.id, rollout.id]);
  });

  it('walks again when an event of the cached path left the window', () => {
    const { cluster, state, add, edit, rollout } = cascade(150_000);
    for (const event of cluster.events.slice(0, -3)) add(event);
    const walks = new CausalWalkCache(state);
    add(edit);
    const start = add(rollout);
    walks.add(caused(edit, rollout), rollout.id);
    const first = walks.rootPath(start);
    expect(first.events).toHaveLength(2);
    cluster.advance(60);
    add(cluster.signal('pod_restart', cluster.ref('Node', 'node-1')));
    expect(state.get(edit.id)).toBeUndefined();
    expect(state.get(rollout.id)).toBeDefined();
    const again = walks.rootPath(start);
    expect(again).not.toBe(first);
    expect(again.events.map((item) => item.event.id)).toEqual([rollout.id]);
  });

  it('keeps at most maxWalks, dropping the oldest tenth when full', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const state = new WorkingState();
    const walks = new CausalWalkCache(state, 20);
    const starts = [];
    for (let index = 0; index < 25; index += 1) {
      cluster.advance(1);
      const added = state.add(cluster.signal('pod_restart', cluster.ref('Pod', `p-${index}`, 'shop')));
      if (added) starts.push(added.indexed);
    }
    const firstWalk = walks.rootPath(starts[0]!);
    for (const start of starts.slice(1)) walks.rootPath(start);
    expect(walks.size).toBeLessThanOrEqual(20);
    expect(walks.rootPath(starts[0]!)).not.toBe(firstWalk);
    expect(walks.rootPath(starts[24]!)).toBe(walks.rootPath(starts[24]!));
  });
});

describe('CausalWalkCache sweep', () => {
  it('drops walks from events that left the window, now and then', () => {
    const cluster = new ClusterFixture();
    const state = new WorkingState({ windowMs: 10_000 });
    const walks = new CausalWalkCache(state, 1000, 8);
    for (let index = 0; index < 40; index += 1) {
      cluster.advance(5);
      const added = state.add(cluster.signal('pod_restart', cluster.ref('Pod', `p-${index}`, 'shop')));
      if (added) walks.rootPath(added.indexed);
    }
    // Three events are in the window; at most one sweep interval of walks besides.
    expect(state.size).toBe(3);
    expect(walks.size).toBeLessThanOrEqual(3 + 8);
  });
});

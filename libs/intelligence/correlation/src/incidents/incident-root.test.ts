import { describe, expect, it } from 'vitest';
import { entityKey, type EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { compiled, indexAll, mustMatch } from '../../test/support/units.js';
import { resolveIncidentRoot, rootEntityKey } from './incident-root.js';

function shop() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 3, nodes: ['node-1', 'node-2'] });
  cluster.advance(60);
  return { cluster, checkout };
}

describe('rootEntityKey', () => {
  it('keeps a pod as the root when its siblings are fine', () => {
    const { cluster, checkout } = shop();
    const oom = cluster.oomKill(checkout.pods[0]!, 1);
    const { state, indexed } = indexAll(cluster.events);
    expect(rootEntityKey(state, indexed(oom), false, undefined)).toBe(entityKey(checkout.pods[0]!));
  });

  it('rolls a pod up to its workload when a sibling shows the same trouble', () => {
    const { cluster, checkout } = shop();
    cluster.oomKill(checkout.pods[1]!, 1);
    cluster.advance(60);
    const oom = cluster.oomKill(checkout.pods[0]!, 1);
    const { state, indexed } = indexAll(cluster.events);
    expect(rootEntityKey(state, indexed(oom), false, undefined)).toBe(entityKey(checkout.ref));
  });

  it('rolls the only pod of a one-replica workload up to it (an operator, a singleton): the pod is all of it', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const operator = cluster.workload('redis-operator', 'redis-operator', { replicas: 1, nodes: ['node-1'] });
    cluster.advance(60);
    const crash = cluster.crashLoop(operator.pods[0]!, 3);
    const { state, indexed } = indexAll(cluster.events);
    expect(rootEntityKey(state, indexed(crash), false, undefined)).toBe(entityKey(operator.ref));
  });

  it('rolls up when the pattern counted the trouble per owner, even alone', () => {
    const { cluster, checkout } = shop();
    const oom = cluster.oomKill(checkout.pods[0]!, 1);
    const { state, indexed } = indexAll(cluster.events);
    expect(rootEntityKey(state, indexed(oom), true, undefined)).toBe(entityKey(checkout.ref));
  });

  it('blames the node a pod runs on when the pattern says so', () => {
    const { cluster, checkout } = shop();
    const evicted = cluster.evict(checkout.pods[1]!);
    const { state, indexed } = indexAll(cluster.events);
    expect(rootEntityKey(state, indexed(evicted), false, 'node')).toBe(entityKey(cluster.ref('Node', 'node-2')));
  });

  it('an entity that is not a pod stays itself; an event with no entity has no root', () => {
    const { cluster, checkout } = shop();
    const scaled = cluster.signal('workload_scaled', checkout.ref);
    const { state, indexed } = indexAll(cluster.events);
    expect(rootEntityKey(state, indexed(scaled), true, undefined)).toBe(entityKey(checkout.ref));
    expect(rootEntityKey(state, { ...indexed(scaled), entityKey: undefined }, false, undefined)).toBeUndefined();
  });

  it("a ReplicaSet's trouble (a FailedCreate) is its Deployment's; a ReplicaSet the topology knows no owner of stays itself", () => {
    const { cluster, checkout } = shop();
    const refused = cluster.signal('replica_create_failed', checkout.replicaSet!, { message: 'FailedCreate: Error creating: pods "checkout-x" is forbidden: exceeded quota: compute' });
    const orphan = cluster.signal('replica_create_failed', cluster.ref('ReplicaSet', 'orphan-5d8f', 'shop'));
    const { state, indexed } = indexAll(cluster.events);
    expect(rootEntityKey(state, indexed(refused), false, undefined)).toBe(entityKey(checkout.ref));
    expect(rootEntityKey(state, indexed(orphan), false, undefined)).toBe(entityKey(cluster.ref('ReplicaSet', 'orphan-5d8f', 'shop')));
  });
});

describe('resolveIncidentRoot', () => {
  const perOwner = compiled('restarts-per-owner', { conditions: [{ field: 'type', operator: 'equals', value: 'oom_killed' }], count: { gt: 0, window: '10m', by: 'owner' } });

  it('uses the step counted per owner only when the walk found no earlier cause', () => {
    const { cluster, checkout } = shop();
    const oom = cluster.oomKill(checkout.pods[0]!, 1);
    const { state, indexed } = indexAll(cluster.events);
    const match = mustMatch(perOwner, indexed(oom), state);
    const own = resolveIncidentRoot(state, match, { events: [indexed(oom)], edges: [], confidence: 1 });
    expect(own?.rootKey).toBe(entityKey(checkout.ref));
    // A walk that found an earlier cause (a ConfigMap edit): the incident is about that.
    const config = cluster.configMap('shop', 'checkout-config');
    const edit = cluster.editConfig(config);
    cluster.advance(30);
    const later = cluster.oomKill(checkout.pods[1]!, 2);
    const again = indexAll(cluster.events);
    const walked = resolveIncidentRoot(again.state, mustMatch(perOwner, again.indexed(later), again.state), {
      events: [again.indexed(edit), again.indexed(later)],
      edges: [],
      confidence: 0.9,
    });
    expect(walked?.rootEvent.event.id).toBe(edit.id);
    expect(walked?.rootKey).toBe(entityKey(config));
  });

  it('a walked-back root whose report names its cause (a victim\'s Preempted Event) is blamed on that cause, as the preemptor\'s workload', () => {
    const { cluster, checkout } = shop();
    const ingest = cluster.workload('shop', 'ingest', { replicas: 1, nodes: ['node-1'] });
    const preempted = cluster.signal('pod_preempted', checkout.pods[0]!, { annotations: { 'cause.kind': 'Pod', 'cause.name': ingest.pods[0]!.name, 'cause.namespace': 'shop' } });
    cluster.advance(5);
    const oom = cluster.oomKill(checkout.pods[1]!, 1);
    const { state, indexed } = indexAll(cluster.events);
    const match = mustMatch(perOwner, indexed(oom), state);
    const walked = resolveIncidentRoot(state, match, { events: [indexed(preempted), indexed(oom)], edges: [], confidence: 0.8 });
    expect(walked?.rootKey).toBe(entityKey(ingest.ref));
  });

  it('does not roll a walked-back pod cause up because the pattern counted its own step per owner', () => {
    const { cluster, checkout } = shop();
    const restart = cluster.restart(checkout.pods[2]!, 1);
    cluster.advance(30);
    const oom = cluster.oomKill(checkout.pods[0]!, 1);
    const { state, indexed } = indexAll(cluster.events);
    const root = resolveIncidentRoot(state, mustMatch(perOwner, indexed(oom), state), { events: [indexed(restart), indexed(oom)], edges: [], confidence: 0.9 });
    expect(root?.rootKey).toBe(entityKey(checkout.pods[2]!));
  });

  it('names the consumer, not the node or a victim, when the walk ends at memory pressure (whatever the pattern)', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const batch = cluster.workload('shop', 'batch', { replicas: 2, nodes: ['node-1'] });
    const hog = cluster.workload('shop', 'hog', { replicas: 1, nodes: ['node-1'] });
    cluster.advance(60);
    const evictForMemory = (pod: EntityRef, usedKi: number) => {
      const event = cluster.evict(pod, `The node was low on resource: memory. Container app was using ${usedKi}Ki, request is 0.`);
      event.annotations = { 'memory.usage_bytes': String(usedKi * 1024) };
      return event;
    };
    const pressure = cluster.nodeCondition('node-1', 'memory_pressure', 'MemoryPressure');
    const victim = evictForMemory(batch.pods[0]!, 268);
    cluster.advance(5);
    evictForMemory(hog.pods[0]!, 2_354_420);
    cluster.advance(5);
    const last = evictForMemory(batch.pods[1]!, 270);
    const thrash = compiled('evictions-per-owner', { conditions: [{ field: 'type', operator: 'equals', value: 'pod_evicted' }], count: { gt: 0, window: '10m', by: 'owner' } });
    const { state, indexed } = indexAll(cluster.events);
    const match = mustMatch(thrash, indexed(last), state);
    const fromNode = resolveIncidentRoot(state, match, { events: [indexed(pressure), indexed(last)], edges: [], confidence: 0.85 });
    expect(fromNode?.rootKey).toBe(entityKey(hog.ref));
    const fromVictim = resolveIncidentRoot(state, match, { events: [indexed(victim), indexed(last)], edges: [], confidence: 0.85 });
    expect(fromVictim?.rootKey).toBe(entityKey(hog.ref));
  });

  it('keeps the node as the root of its memory pressure when no consumer has a figure', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const web = cluster.workload('shop', 'web', { replicas: 1, nodes: ['node-1'] });
    cluster.advance(60);
    const pressure = cluster.nodeCondition('node-1', 'memory_pressure', 'MemoryPressure');
    const evicted = cluster.evict(web.pods[0]!);
    const perNode = compiled('evictions', { conditions: [{ field: 'type', operator: 'equals', value: 'pod_evicted' }] });
    const { state, indexed } = indexAll(cluster.events);
    const root = resolveIncidentRoot(state, mustMatch(perNode, indexed(evicted), state), { events: [indexed(pressure), indexed(evicted)], edges: [], confidence: 0.85 });
    expect(root?.rootKey).toBe(entityKey(cluster.ref('Node', 'node-1')));
  });

  it('has no root when the symptom has no entity', () => {
    const { cluster, checkout } = shop();
    const oom = cluster.oomKill(checkout.pods[0]!, 1);
    const { state, indexed } = indexAll(cluster.events);
    const match = mustMatch(perOwner, indexed(oom), state);
    const anonymous = { ...indexed(oom), entityKey: undefined };
    expect(resolveIncidentRoot(state, { ...match, symptomStepEvent: anonymous }, { events: [indexed(oom)], edges: [], confidence: 1 })).toBeUndefined();
  });
});

import { entityKey, type EntityRef, type UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { indexAll } from '../../test/support/units.js';
import { WorkingState } from '../state/working-state.js';
import { namedCause, topConsumer } from './named-cause.js';

const MIB = 1024 * 1024;

/** node-1 runs cart (no memory limit), db (big, within its limit) and web; web is evicted reporting 300 MiB. */
function node() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const cart = cluster.workload('shop', 'cart', { replicas: 1, nodes: ['node-1'] });
  const db = cluster.workload('shop', 'db', { replicas: 1, nodes: ['node-1'] });
  const web = cluster.workload('shop', 'web', { replicas: 1, nodes: ['node-1'] });
  const usage = (pod: EntityRef, bytes: number, limit?: number): UnifiedEvent => {
    const event = cluster.signal('resource_usage', pod, { kubernetes: { container: 'app' } });
    event.source = 'kubelet_api';
    event.k8sContext = { ...pod, nodeName: 'node-1' };
    event.metrics = { 'memory.working_set_bytes': bytes, ...(limit ? { 'memory.limit_bytes': limit } : {}) };
    return event;
  };
  const evict = (pod: EntityRef, usedKi: number) => {
    const event = cluster.evict(pod, `The node was low on resource: memory. Container app was using ${usedKi}Ki, request is 0.`);
    event.annotations = { 'memory.usage_bytes': String(usedKi * 1024) };
    return event;
  };
  const run = (root: UnifiedEvent) => {
    const state = new WorkingState();
    let indexed;
    for (const event of cluster.events) {
      const added = state.add(event);
      if (event === root) indexed = added?.indexed;
    }
    return indexed ? topConsumer(state, indexed) : undefined;
  };
  return { cluster, cart, db, web, usage, evict, run };
}

describe('topConsumer', () => {
  it('without kubelet figures, blames the evicted pod whose eviction message reports the most memory', () => {
    const { cluster, cart, web, evict, run } = node();
    cluster.advance(60);
    evict(cart.pods[0] as EntityRef, 900_000);
    cluster.advance(5);
    const last = evict(web.pods[0] as EntityRef, 300_000);
    expect(run(last)).toBe(entityKey(cart.ref));
  });

  it('with kubelet figures, blames the pod without a memory limit the kubelet measured as the biggest, even when it was not evicted', () => {
    const { cluster, cart, db, web, usage, evict, run } = node();
    usage(cart.pods[0] as EntityRef, 700 * MIB);
    usage(db.pods[0] as EntityRef, 2000 * MIB, 4000 * MIB);
    cluster.advance(30);
    usage(cart.pods[0] as EntityRef, 1500 * MIB);
    cluster.advance(30);
    const last = evict(web.pods[0] as EntityRef, 300_000);
    // db is bigger but bounded by its limit; cart's latest figure (1500 MiB) beats web's eviction figure.
    expect(run(last)).toBe(entityKey(cart.ref));
  });

  it("prefers the kubelet's figure of an evicted pod over its eviction message", () => {
    const { cluster, cart, web, usage, evict, run } = node();
    usage(web.pods[0] as EntityRef, 100 * MIB, 200 * MIB);
    usage(cart.pods[0] as EntityRef, 400 * MIB, 800 * MIB);
    cluster.advance(30);
    evict(cart.pods[0] as EntityRef, 10_000);
    cluster.advance(5);
    const last = evict(web.pods[0] as EntityRef, 900_000);
    // By their eviction messages web would win; the kubelet measured cart at 400 MiB and web at 100 MiB.
    expect(run(last)).toBe(entityKey(cart.ref));
  });

  /** cart (no memory limit) released 20 s before web is evicted reporting `webKi`: whom the eviction blames. */
  const afterRelease = (webKi: number) => {
    const { cluster, cart, web, evict, run } = node();
    cluster.advance(60);
    cluster.rollout(cart, 'spec.containers[cart].command changed');
    cluster.advance(20);
    return { blamed: run(evict(web.pods[0] as EntityRef, webKi)), cart: entityKey(cart.ref), web: entityKey(web.ref) };
  };

  it('when only a negligible figure is known (a low-priority victim evicted first), blames the unbounded workload released just before', () => {
    // web (268 KiB) goes first for its priority; cart, which grew, is evicted only later.
    const { blamed, cart } = afterRelease(268);
    expect(blamed).toBe(cart);
  });

  it('a release does not outrank a figure big enough to explain the pressure', () => {
    const { blamed, web } = afterRelease(900_000);
    expect(blamed).toBe(web);
  });

  it('without any figure, names no consumer, whatever was released (nothing says the evicted pod is a victim)', () => {
    const { cluster, cart, web, run } = node();
    cluster.advance(60);
    cluster.rollout(cart, 'spec.containers[cart].command changed');
    cluster.advance(20);
    expect(run(cluster.evict(web.pods[0] as EntityRef, 'The node was low on resource: memory.'))).toBeUndefined();
  });

  it('without a release, blames the one unbounded workload the kubelet left running (a leak grows without one)', () => {
    const { cluster, cart, db, web, evict, run } = node();
    cluster.advance(60);
    evict(db.pods[0] as EntityRef, 300);
    cluster.advance(4);
    expect(run(evict(web.pods[0] as EntityRef, 268))).toBe(entityKey(cart.ref));
  });

  it('with several unbounded workloads left running and no release, names the Node: nothing names the consumer, and a 268 KiB pod is not it', () => {
    const { cluster, web, evict, run } = node();
    cluster.advance(60);
    const first = evict(web.pods[0] as EntityRef, 268);
    expect(run(first)).toBe(entityKey(cluster.ref('Node', 'node-1')));
  });
});

describe('topConsumer under disk pressure', () => {
  const diskEviction = (cluster: ClusterFixture, pod: EntityRef, usedKi: number) => {
    const event = cluster.evict(pod, `The node was low on resource: ephemeral-storage. Container app was using ${usedKi}Ki, request is 0, has larger consumption of ephemeral-storage.`);
    event.annotations = { 'eviction.resource': 'ephemeral-storage', 'storage.usage_bytes': String(usedKi * 1024), 'storage.request_bytes': '0' };
    return event;
  };

  it('reads the ephemeral-storage figures, not the memory ones: the pod that wrote the most to the node is blamed', () => {
    const { cluster, cart, db, web, evict, run } = node();
    cluster.advance(60);
    // db's memory eviction figure is the biggest of all, but it is not what the node ran low on.
    evict(db.pods[0] as EntityRef, 5_000_000);
    cluster.advance(5);
    diskEviction(cluster, cart.pods[0] as EntityRef, 2_000_000);
    cluster.advance(5);
    const last = diskEviction(cluster, web.pods[0] as EntityRef, 300_000);
    expect(run(last)).toBe(entityKey(cart.ref));
  });

  it("with the kubelet's pod figures, blames the pod without an ephemeral-storage limit that used the most, even when it was not evicted", () => {
    const { cluster, cart, db, web, run } = node();
    const storage = (pod: EntityRef, bytes: number, limit?: number) => {
      const event = cluster.signal('resource_usage', pod);
      event.source = 'kubelet_api';
      event.k8sContext = { ...pod, nodeName: 'node-1' };
      event.metrics = { 'ephemeral_storage.used_bytes': bytes, ...(limit ? { 'ephemeral_storage.limit_bytes': limit } : {}) };
    };
    storage(cart.pods[0] as EntityRef, 3000 * MIB);
    storage(db.pods[0] as EntityRef, 6000 * MIB, 8000 * MIB);
    cluster.advance(30);
    const last = diskEviction(cluster, web.pods[0] as EntityRef, 268);
    // db is bigger but bounded by its limit; web, evicted first for its priority, is a victim.
    expect(run(last)).toBe(entityKey(cart.ref));
  });

  it('when only a victim’s negligible figure is known, blames the workload released just before, as under memory pressure', () => {
    const { cluster, cart, web, run } = node();
    cluster.advance(60);
    cluster.rollout(cart, 'spec.containers[cart].command changed');
    cluster.advance(20);
    expect(run(diskEviction(cluster, web.pods[0] as EntityRef, 12))).toBe(entityKey(cart.ref));
  });
});

describe('topConsumer under PID pressure (the kubelet gives no figure)', () => {
  const pidEviction = (cluster: ClusterFixture, pod: EntityRef) => {
    const event = cluster.evict(pod, 'The node was low on resource: pids. Threshold quantity: 1000, available: 812. ');
    event.annotations = { 'eviction.resource': 'pids' };
    return event;
  };

  it('blames the workload released just before, though the kubelet evicted a victim first', () => {
    const { cluster, cart, web, run } = node();
    cluster.advance(60);
    cluster.rollout(cart, 'spec.containers[cart].command changed');
    cluster.advance(20);
    expect(run(pidEviction(cluster, web.pods[0] as EntityRef))).toBe(entityKey(cart.ref));
  });

  it('without a release, the first pod the kubelet evicted for pids (its ranking: the most processes), not one evicted for memory', () => {
    const { cluster, cart, db, web, evict, run } = node();
    cluster.advance(60);
    evict(db.pods[0] as EntityRef, 5_000_000);
    cluster.advance(5);
    pidEviction(cluster, cart.pods[0] as EntityRef);
    cluster.advance(5);
    expect(run(pidEviction(cluster, web.pods[0] as EntityRef))).toBe(entityKey(cart.ref));
  });

  it("with the kubelet collector's process counts, the pod with the most processes, even when it was not evicted", () => {
    const { cluster, cart, db, web, run } = node();
    const processes = (pod: EntityRef, count: number) => {
      const event = cluster.signal('resource_usage', pod);
      event.source = 'kubelet_api';
      event.k8sContext = { ...pod, nodeName: 'node-1' };
      event.metrics = { 'pids.count': count };
    };
    processes(db.pods[0] as EntityRef, 40);
    processes(cart.pods[0] as EntityRef, 9000);
    cluster.advance(30);
    expect(run(pidEviction(cluster, web.pods[0] as EntityRef))).toBe(entityKey(cart.ref));
  });
});

describe('namedCause', () => {
  function refusal(cause: Record<string, string>) {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const cart = cluster.workload('shop', 'cart', { replicas: 1, nodes: ['node-1'] });
    cluster.advance(60);
    const refused = cluster.signal('replica_create_failed', cart.replicaSet as EntityRef, { annotations: cause });
    const { state, indexed } = indexAll(cluster.events);
    return namedCause(state, indexed(refused));
  }

  it('names a quota the refusal names even when the topology does not know it (it exists: it refused)', () => {
    expect(refusal({ 'cause.kind': 'ResourceQuota', 'cause.name': 'compute', 'cause.namespace': 'shop', 'cause.exists': 'true' })).toBe(entityKey({ kind: 'ResourceQuota', name: 'compute', namespace: 'shop', cluster: 'test' }));
  });

  it('does not name an object of another kind the topology does not know', () => {
    expect(refusal({ 'cause.kind': 'PriorityClass', 'cause.name': 'batch-low' })).toBeUndefined();
  });
});

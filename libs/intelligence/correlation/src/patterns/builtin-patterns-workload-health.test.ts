import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { NODES, rootIs, shop, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

describe('crash-loop-death-spiral', () => {
  it('a container restarting more than three times in ten minutes', () => {
    const { cluster, cart } = shop();
    const pod = cart.pods[0] as EntityRef;
    for (let restart = 1; restart <= 5; restart += 1) {
      cluster.restart(pod, restart);
      cluster.advance(60);
    }
    const insights = analyze(cluster.events);
    const spiral = withPattern(insights, 'crash-loop-death-spiral');
    expect(spiral.length, summary(insights)).toBe(1);
    expect(rootIs(spiral[0], pod)).toBe(true);
  });

  it('near miss: the same restarts spread over hours', () => {
    const { cluster, cart } = shop();
    const pod = cart.pods[0] as EntityRef;
    for (let restart = 1; restart <= 5; restart += 1) {
      cluster.restart(pod, restart);
      cluster.advance(45 * 60);
    }
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'crash-loop-death-spiral')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('oom-cascade', () => {
  function hogAndVictim(victimNode: string) {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const hog = cluster.workload('shop', 'recommendations', { replicas: 3, nodes: ['node-2', 'node-2', 'node-1'] });
    const victim = cluster.workload('analytics', 'report-worker', { replicas: 1, nodes: [victimNode] });
    cluster.advance(120);
    for (let round = 1; round <= 3; round += 1) {
      for (const pod of hog.pods.slice(0, 2)) {
        cluster.oomKill(pod, round);
        cluster.restart(pod, round, 'OOMKilled', 137);
        cluster.advance(20);
      }
      cluster.advance(40);
    }
    return { cluster, hog, victim };
  }

  it('OOM kills, then memory pressure on their node, then an eviction of another app', () => {
    const { cluster, hog, victim } = hogAndVictim('node-2');
    cluster.nodeCondition('node-2', 'memory_pressure', 'MemoryPressure');
    cluster.advance(10);
    cluster.evict(victim.pods[0] as EntityRef);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('oom-cascade');
    expect(rootIs(insights[0], hog.ref), summary(insights)).toBe(true);
    expect(insights[0]?.symptoms.map((symptom) => symptom.name)).toContain(victim.pods[0]?.name);
  });

  it('the kubelet reporting a SystemOOM on the node first does not make the node the root', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const hog = cluster.workload('shop', 'recommendations', { replicas: 2, nodes: ['node-2'] });
    const victim = cluster.workload('analytics', 'report-worker', { replicas: 1, nodes: ['node-2'] });
    cluster.advance(120);
    for (const pid of [4242, 4388]) {
      cluster.signal('oom_killed', cluster.ref('Node', 'node-2'), { message: `SystemOOM: System OOM encountered, victim process: java, pid: ${pid}` });
      cluster.advance(5);
    }
    for (let round = 1; round <= 2; round += 1) {
      for (const pod of hog.pods) {
        cluster.oomKill(pod, round);
        cluster.advance(15);
      }
    }
    cluster.nodeCondition('node-2', 'memory_pressure', 'MemoryPressure');
    cluster.advance(10);
    cluster.evict(victim.pods[0] as EntityRef);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('oom-cascade');
    expect(rootIs(insights[0], hog.ref), summary(insights)).toBe(true);
  });

  it('near miss: a node drain evicts pods without any memory trouble', () => {
    const { cluster, cart, checkout } = shop();
    cluster.signal('node_spec_changed', cluster.ref('Node', 'node-2'), { message: 'Node node-2 changed: unschedulable false -> true' });
    cluster.advance(5);
    for (const pod of [...cart.pods, ...checkout.pods].filter((_, index) => index % 2 === 0)) {
      cluster.retire(pod);
      cluster.advance(3);
    }
    cluster.scale(cart, 3);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'oom-cascade')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('noisy-neighbour', () => {
  it('one workload OOM-killed on a node, a pod of another workload on that node OOM-killed next', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const hog = cluster.workload('shop', 'search', { replicas: 2, nodes: ['node-3'] });
    const victim = cluster.workload('shop', 'thumbnails', { replicas: 1, nodes: ['node-3'] });
    cluster.advance(60);
    for (const pod of hog.pods) {
      cluster.oomKill(pod, 1);
      cluster.advance(30);
    }
    cluster.oomKill(victim.pods[0] as EntityRef, 1);
    const insights = analyze(cluster.events);
    const noisy = withPattern(insights, 'noisy-neighbour');
    expect(noisy.length, summary(insights)).toBe(1);
    expect(rootIs(noisy[0], hog.ref), summary(insights)).toBe(true);
  });

  it('near miss: the other workload is on a different node', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const hog = cluster.workload('shop', 'search', { replicas: 2, nodes: ['node-3'] });
    const other = cluster.workload('shop', 'thumbnails', { replicas: 1, nodes: ['node-1'] });
    cluster.advance(60);
    for (const pod of hog.pods) {
      cluster.oomKill(pod, 1);
      cluster.advance(30);
    }
    cluster.oomKill(other.pods[0] as EntityRef, 1);
    expect(withPattern(analyze(cluster.events), 'noisy-neighbour')).toEqual([]);
  });
});

describe('scheduler-thrash', () => {
  it('pods of one workload evicted and unschedulable again and again', () => {
    const { cluster, cart } = shop();
    for (let round = 0; round < 3; round += 1) {
      for (const pod of cart.pods) {
        cluster.evict(pod, 'The node had condition: [DiskPressure].');
        cluster.advance(30);
      }
      cluster.signal('pod_unschedulable', cart.pods[0] as EntityRef, { message: 'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.' });
      cluster.advance(120);
    }
    const insights = withPattern(analyze(cluster.events), 'scheduler-thrash');
    expect(insights.length).toBe(1);
    expect(insights[0]?.rootCause.entity.name.startsWith('cart')).toBe(true);
  });

  it('near miss: a scale-up whose new pod waits once for a node', () => {
    const { cluster, cart } = shop();
    const [fresh] = cluster.scale(cart, 3);
    cluster.signal('pod_unschedulable', fresh as EntityRef, { message: 'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.' });
    cluster.advance(40);
    cluster.signal('pod_scheduled', fresh as EntityRef);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'scheduler-thrash')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('liveness-death-spiral', () => {
  it('repeated liveness failures followed by restarts of the same pod', () => {
    const { cluster, cart } = shop();
    const pod = cart.pods[1] as EntityRef;
    for (let restart = 1; restart <= 3; restart += 1) {
      cluster.probeFailure(pod, 'Liveness', 3 * restart);
      cluster.advance(15);
      cluster.restart(pod, restart, 'Error', 137);
      cluster.advance(90);
    }
    const insights = analyze(cluster.events);
    const spiral = withPattern(insights, 'liveness-death-spiral');
    expect(spiral.length, summary(insights)).toBe(1);
    expect(spiral[0]?.rootCause.entity.name.startsWith('cart')).toBe(true);
  });

  it('near miss: a single transient liveness probe failure', () => {
    const { cluster, cart } = shop();
    cluster.probeFailure(cart.pods[1] as EntityRef, 'Liveness');
    cluster.advance(300);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'liveness-death-spiral')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('pvc-deadlock', () => {
  it('a pod that cannot attach its volume, again and again', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const db = cluster.workload('data', 'postgres', { replicas: 1, kind: 'StatefulSet', claims: ['data-postgres-0'] });
    cluster.advance(60);
    const pod = db.pods[0] as EntityRef;
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      cluster.signal('volume_attach_failed', pod, { message: 'FailedAttachVolume: Multi-Attach error for volume "pvc-1f2e" Volume is already exclusively attached to one node', kubernetes: { eventReason: 'FailedAttachVolume', count: attempt } });
      cluster.advance(120);
    }
    const insights = withPattern(analyze(cluster.events), 'pvc-deadlock');
    expect(insights.length).toBe(1);
    // The claim the pod waits for is the cause; the pod is what it touched.
    expect(rootIs(insights[0], cluster.ref('PersistentVolumeClaim', 'data-postgres-0', 'data')), summary(insights)).toBe(true);
    expect(insights[0]?.symptoms.map((symptom) => symptom.name)).toEqual(['postgres-0']);
    expect(insights[0]?.rootCause.what).toContain('on Pod data/postgres-0');
  });

  it('of a pod with several claims, blames the one whose volume the failure names', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    for (const [claim, volume] of [['data-postgres-0', 'pvc-1f2e'], ['wal-postgres-0', 'pvc-9a0b']] as const) {
      cluster.object('resource_created', { kind: 'PersistentVolumeClaim', name: claim, namespace: 'data', uid: `uid-${claim}`, volumeName: volume }, `PersistentVolumeClaim data/${claim} exists`);
    }
    const db = cluster.workload('data', 'postgres', { replicas: 1, kind: 'StatefulSet', claims: ['data-postgres-0', 'wal-postgres-0'] });
    cluster.advance(60);
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      cluster.signal('volume_attach_failed', db.pods[0] as EntityRef, { message: 'FailedAttachVolume: Multi-Attach error for volume "pvc-9a0b" Volume is already exclusively attached to one node' });
      cluster.advance(120);
    }
    const insights = withPattern(analyze(cluster.events), 'pvc-deadlock');
    expect(rootIs(insights[0], cluster.ref('PersistentVolumeClaim', 'wal-postgres-0', 'data')), summary(insights)).toBe(true);
  });

  it('stays on the pod when the topology does not know what it claims', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const db = cluster.workload('data', 'postgres', { replicas: 1, kind: 'StatefulSet' });
    cluster.advance(60);
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      cluster.signal('volume_mount_failed', db.pods[0] as EntityRef, { message: 'MountVolume.SetUp failed for volume "data": mount failed: exit status 32' });
      cluster.advance(120);
    }
    const insights = withPattern(analyze(cluster.events), 'pvc-deadlock');
    expect(rootIs(insights[0], db.pods[0] as EntityRef), summary(insights)).toBe(true);
  });

  it('near miss: one attach failure that resolves on retry', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const db = cluster.workload('data', 'postgres', { replicas: 1, kind: 'StatefulSet', claims: ['data-postgres-0'] });
    cluster.advance(60);
    cluster.signal('volume_attach_failed', db.pods[0] as EntityRef, { message: 'FailedAttachVolume: timed out waiting for the condition' });
    cluster.advance(30);
    cluster.signal('pod_ready', db.pods[0] as EntityRef);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'pvc-deadlock')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

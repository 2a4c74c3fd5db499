import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import type { ClusterFixture, WorkloadOptions } from '../../test/support/cluster-fixture.js';
import { arrange, repeat, rootIs, shop, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

describe('crash-loop-death-spiral', () => {
  /** The first cart pod restarting five times, `gapSeconds` apart. */
  function restartsEvery(gapSeconds: number) {
    const { cluster, cart } = shop();
    const pod = cart.pods[0] as EntityRef;
    repeat(cluster, 5, gapSeconds, (restart) => cluster.restart(pod, restart));
    return { insights: analyze(cluster.events), pod };
  }

  it('a container restarting more than three times in ten minutes', () => {
    const { insights, pod } = restartsEvery(60);
    const spiral = withPattern(insights, 'crash-loop-death-spiral');
    expect(spiral.length, summary(insights)).toBe(1);
    expect(rootIs(spiral[0], pod)).toBe(true);
  });

  it('near miss: the same restarts spread over hours', () => {
    const { insights } = restartsEvery(45 * 60);
    expect(withPattern(insights, 'crash-loop-death-spiral')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('oom-cascade', () => {
  /** A memory hog in shop and a report worker on `victimNode`, two minutes in. */
  const hogAndVictim = (hogNodes: string[], hogReplicas: number, victimNode: string) =>
    arrange(
      (cluster) => ({
        hog: cluster.workload('shop', 'recommendations', { replicas: hogReplicas, nodes: hogNodes }),
        victim: cluster.workload('analytics', 'report-worker', { replicas: 1, nodes: [victimNode] }),
      }),
      120,
    );

  /** Memory pressure on node-2, then the victim's pod evicted. */
  function pressureThenEviction(cluster: ClusterFixture, victim: EntityRef) {
    cluster.nodeCondition('node-2', 'memory_pressure', 'MemoryPressure');
    cluster.advance(10);
    cluster.evict(victim);
    return analyze(cluster.events);
  }

  it('OOM kills, then memory pressure on their node, then an eviction of another app', () => {
    const { cluster, hog, victim } = hogAndVictim(['node-2', 'node-2', 'node-1'], 3, 'node-2');
    repeat(cluster, 3, 40, (round) => {
      for (const pod of hog.pods.slice(0, 2)) {
        cluster.oomKill(pod, round);
        cluster.restart(pod, round, 'OOMKilled', 137);
        cluster.advance(20);
      }
    });
    const insights = pressureThenEviction(cluster, victim.pods[0] as EntityRef);
    expect(insights[0]?.pattern, summary(insights)).toBe('oom-cascade');
    expect(rootIs(insights[0], hog.ref), summary(insights)).toBe(true);
    expect(insights[0]?.symptoms.map((symptom) => symptom.name)).toContain(victim.pods[0]?.name);
  });

  it('the kubelet reporting a SystemOOM on the node first does not make the node the root', () => {
    const { cluster, hog, victim } = hogAndVictim(['node-2'], 2, 'node-2');
    for (const pid of [4242, 4388]) {
      cluster.signal('oom_killed', cluster.ref('Node', 'node-2'), { message: `SystemOOM: System OOM encountered, victim process: java, pid: ${pid}` });
      cluster.advance(5);
    }
    repeat(cluster, 2, 0, (round) => {
      for (const pod of hog.pods) {
        cluster.oomKill(pod, round);
        cluster.advance(15);
      }
    });
    const insights = pressureThenEviction(cluster, victim.pods[0] as EntityRef);
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
  /** Both pods of `search` on node-3 OOM-killed 30 s apart, then the pod of `thumbnails` on `otherNode`. */
  function killsThenOther(otherNode: string) {
    const { cluster, hog, other } = arrange((fixture) => ({
      hog: fixture.workload('shop', 'search', { replicas: 2, nodes: ['node-3'] }),
      other: fixture.workload('shop', 'thumbnails', { replicas: 1, nodes: [otherNode] }),
    }));
    for (const pod of hog.pods) {
      cluster.oomKill(pod, 1);
      cluster.advance(30);
    }
    cluster.oomKill(other.pods[0] as EntityRef, 1);
    return { insights: analyze(cluster.events), hog };
  }

  it('one workload OOM-killed on a node, a pod of another workload on that node OOM-killed next', () => {
    const { insights, hog } = killsThenOther('node-3');
    const noisy = withPattern(insights, 'noisy-neighbour');
    expect(noisy.length, summary(insights)).toBe(1);
    expect(rootIs(noisy[0], hog.ref), summary(insights)).toBe(true);
  });

  it('near miss: the other workload is on a different node', () => {
    expect(withPattern(killsThenOther('node-1').insights, 'noisy-neighbour')).toEqual([]);
  });
});

describe('scheduler-thrash', () => {
  it('pods of one workload evicted and unschedulable again and again', () => {
    const { cluster, cart } = shop();
    repeat(cluster, 3, 120, () => {
      for (const pod of cart.pods) {
        cluster.evict(pod, 'The node had condition: [DiskPressure].');
        cluster.advance(30);
      }
      cluster.signal('pod_unschedulable', cart.pods[0] as EntityRef, { message: 'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.' });
    });
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

  it('near miss: a scale-up whose two new pods wait for a node the autoscaler adds (pod status and Events say so, the scheduler retries), placed within a minute', () => {
    const { cluster, cart } = shop();
    const fresh = cluster.scale(cart, 5);
    const refused = { message: 'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.' };
    for (const pod of fresh) for (let report = 0; report < 2; report += 1) cluster.signal('pod_unschedulable', pod, refused);
    cluster.advance(10);
    for (const pod of fresh) cluster.signal('pod_unschedulable', pod, refused);
    cluster.advance(50);
    for (const pod of fresh) cluster.signal('pod_scheduled', pod);
    cluster.advance(120);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'scheduler-thrash'), summary(insights)).toEqual([]);
  });
});

describe('liveness-death-spiral', () => {
  it('repeated liveness failures followed by restarts of the same pod', () => {
    const { cluster, cart } = shop();
    const pod = cart.pods[1] as EntityRef;
    repeat(cluster, 3, 90, (restart) => {
      cluster.probeFailure(pod, 'Liveness', 3 * restart);
      cluster.advance(15);
      cluster.restart(pod, restart, 'Error', 137);
    });
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
  /** A one-pod postgres StatefulSet in `data`, after `before` adds what must exist first (its claims' objects). */
  const postgres = (options: WorkloadOptions = {}, before: (cluster: ClusterFixture) => void = () => undefined) =>
    arrange((cluster) => {
      before(cluster);
      const db = cluster.workload('data', 'postgres', { replicas: 1, kind: 'StatefulSet', ...options });
      return { db, pod: db.pods[0] as EntityRef };
    });

  it('a pod that cannot attach its volume, again and again', () => {
    const { cluster, pod } = postgres({ claims: ['data-postgres-0'] });
    repeat(cluster, 3, 120, (attempt) => {
      cluster.signal('volume_attach_failed', pod, { message: 'FailedAttachVolume: Multi-Attach error for volume "pvc-1f2e" Volume is already exclusively attached to one node', kubernetes: { eventReason: 'FailedAttachVolume', count: attempt } });
    });
    const insights = withPattern(analyze(cluster.events), 'pvc-deadlock');
    expect(insights.length).toBe(1);
    // The claim the pod waits for is the cause; the pod is what it touched.
    expect(rootIs(insights[0], cluster.ref('PersistentVolumeClaim', 'data-postgres-0', 'data')), summary(insights)).toBe(true);
    expect(insights[0]?.symptoms.map((symptom) => symptom.name)).toEqual(['postgres-0']);
    expect(insights[0]?.rootCause.what).toContain('on Pod data/postgres-0');
  });

  it('of a pod with several claims, blames the one whose volume the failure names', () => {
    const { cluster, pod } = postgres({ claims: ['data-postgres-0', 'wal-postgres-0'] }, (fixture) => {
      for (const [claim, volume] of [['data-postgres-0', 'pvc-1f2e'], ['wal-postgres-0', 'pvc-9a0b']] as const) {
        fixture.object('resource_created', { kind: 'PersistentVolumeClaim', name: claim, namespace: 'data', uid: `uid-${claim}`, volumeName: volume }, `PersistentVolumeClaim data/${claim} exists`);
      }
    });
    repeat(cluster, 2, 120, () => {
      cluster.signal('volume_attach_failed', pod, { message: 'FailedAttachVolume: Multi-Attach error for volume "pvc-9a0b" Volume is already exclusively attached to one node' });
    });
    const insights = withPattern(analyze(cluster.events), 'pvc-deadlock');
    expect(rootIs(insights[0], cluster.ref('PersistentVolumeClaim', 'wal-postgres-0', 'data')), summary(insights)).toBe(true);
  });

  it('stays on the pod when the topology does not know what it claims', () => {
    const { cluster, pod } = postgres();
    repeat(cluster, 2, 120, () => {
      cluster.signal('volume_mount_failed', pod, { message: 'MountVolume.SetUp failed for volume "data": mount failed: exit status 32' });
    });
    const insights = withPattern(analyze(cluster.events), 'pvc-deadlock');
    expect(rootIs(insights[0], pod), summary(insights)).toBe(true);
  });

  it('near miss: one attach failure that resolves on retry', () => {
    const { cluster, pod } = postgres({ claims: ['data-postgres-0'] });
    cluster.signal('volume_attach_failed', pod, { message: 'FailedAttachVolume: timed out waiting for the condition' });
    cluster.advance(30);
    cluster.signal('pod_ready', pod);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'pvc-deadlock')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('near miss: mount failures a starting list repeats about a pod already running and ready', () => {
    const { cluster, pod } = postgres({ claims: ['data-postgres-0'] });
    for (const volume of ['kube-api-access-k85s7', 'data']) {
      cluster.signal('volume_mount_failed', pod, { message: `FailedMount: MountVolume.SetUp failed for volume "${volume}" : failed to sync configmap cache: timed out waiting for the condition`, annotations: { 'pod.running': 'true' } });
    }
    cluster.advance(120);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'pvc-deadlock')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

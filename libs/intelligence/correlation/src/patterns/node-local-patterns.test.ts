import { describe, expect, it } from 'vitest';
import type { EntityRef, Insight, UnifiedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { analyze, summary } from '../../test/support/engine.js';

const withPattern = (insights: Insight[], pattern: string) => insights.filter((insight) => insight.pattern === pattern);

/** As the journal collector reports a unit state change: about the Node, naming the unit. */
function journal(event: UnifiedEvent, unit: string): UnifiedEvent {
  event.source = 'systemd';
  event.application = { unit, logger: 'systemd', message: event.message };
  return event;
}

/** As the etcd collector reports: about the etcd cluster or member, not a Kubernetes object. */
function etcd(event: UnifiedEvent): UnifiedEvent {
  event.source = 'etcd';
  return event;
}

/** Two nodes; a shop Deployment with two pods on node-1 and a cart Deployment with two pods on node-2. */
function twoNodes() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  const shop = cluster.workload('shop', 'checkout', { replicas: 2, nodes: ['node-1'] });
  const cart = cluster.workload('shop', 'cart', { replicas: 2, nodes: ['node-2'] });
  cluster.advance(60);
  return { cluster, shop, cart };
}

function restartAll(cluster: ClusterFixture, pods: EntityRef[]): void {
  for (const pod of pods) {
    cluster.restart(pod, 1, 'Unknown', 255);
    cluster.advance(3);
  }
}

describe('runtime-restart', () => {
  it('containerd restarting on a node, then the pods of that node restarting, is blamed on the node with the unit named', () => {
    const { cluster, shop } = twoNodes();
    journal(cluster.signal('service_restarted', cluster.ref('Node', 'node-1'), { message: 'containerd.service on node node-1 restarted (down 4 s)' }), 'containerd.service');
    cluster.advance(5);
    restartAll(cluster, shop.pods);
    const insights = withPattern(analyze(cluster.events), 'runtime-restart');
    expect(insights, summary(analyze(cluster.events))).toHaveLength(1);
    expect(insights[0]?.rootCause.entity).toMatchObject({ kind: 'Node', name: 'node-1' });
    expect(insights[0]?.story).toContain('containerd.service on node node-1 restarted');
  });

  it('near miss: containerd restarted on node-1 but the pods that restarted run on node-2', () => {
    const { cluster, cart } = twoNodes();
    journal(cluster.signal('service_restarted', cluster.ref('Node', 'node-1'), { message: 'containerd.service on node node-1 restarted (down 4 s)' }), 'containerd.service');
    cluster.advance(5);
    restartAll(cluster, cart.pods);
    expect(withPattern(analyze(cluster.events), 'runtime-restart')).toEqual([]);
  });

  it('near miss: another unit of the node (sshd) restarted before the pods did', () => {
    const { cluster, shop } = twoNodes();
    journal(cluster.signal('service_restarted', cluster.ref('Node', 'node-1'), { message: 'sshd.service on node node-1 restarted' }), 'sshd.service');
    cluster.advance(5);
    restartAll(cluster, shop.pods);
    expect(withPattern(analyze(cluster.events), 'runtime-restart')).toEqual([]);
  });
});

describe('etcd-write-outage and etcd-leader-flapping', () => {
  const etcdCluster: EntityRef = { kind: 'EtcdCluster', name: 'main', cluster: 'test' };

  /** The ReplicaSet controller retrying a create etcd refuses, `times` times with back-off. */
  function createsFail(cluster: ClusterFixture, replicaSet: EntityRef, times: number, message: string): void {
    for (let attempt = 0; attempt < times; attempt += 1) {
      cluster.signal('replica_create_failed', replicaSet, { message: `Error creating: ${message}` });
      cluster.advance(2 ** attempt);
    }
  }

  it('a NOSPACE alarm, then a ReplicaSet whose creates keep failing, is blamed on etcd', () => {
    const { cluster, shop } = twoNodes();
    etcd(cluster.signal('etcd_alarm', etcdCluster, { message: 'etcd main alarm NOSPACE raised on member m1', severity: 'critical' }));
    cluster.advance(30);
    createsFail(cluster, shop.replicaSet as EntityRef, 3, 'etcdserver: mvcc: database space exceeded');
    const insights = withPattern(analyze(cluster.events), 'etcd-write-outage');
    expect(insights).toHaveLength(1);
    expect(insights[0]?.rootCause.entity).toMatchObject({ kind: 'EtcdCluster', name: 'main' });
  });

  it('near miss: a member restarts and the one create that raced its election is retried and passes', () => {
    const { cluster, shop } = twoNodes();
    etcd(cluster.signal('etcd_member_down', { kind: 'EtcdMember', name: 'm1', cluster: 'test' }, { message: 'etcd member m1 unreachable: connection refused' }));
    cluster.advance(2);
    createsFail(cluster, shop.replicaSet as EntityRef, 1, 'etcdserver: leader changed');
    expect(withPattern(analyze(cluster.events), 'etcd-write-outage')).toEqual([]);
  });

  it('near miss: the ReplicaSet failed before etcd raised its alarm', () => {
    const { cluster, shop } = twoNodes();
    cluster.signal('replica_create_failed', shop.replicaSet as EntityRef, { message: 'Error creating: quota exceeded' });
    cluster.advance(30);
    etcd(cluster.signal('etcd_alarm', etcdCluster, { message: 'etcd main alarm NOSPACE raised on member m1', severity: 'critical' }));
    expect(withPattern(analyze(cluster.events), 'etcd-write-outage')).toEqual([]);
  });

  it('three leader changes in ten minutes, then creates that keep failing, is leader flapping; two are not', () => {
    for (const [changes, expected] of [
      [3, 1],
      [2, 0],
    ] as const) {
      const { cluster, shop } = twoNodes();
      for (let change = 1; change <= changes; change += 1) {
        etcd(cluster.signal('etcd_leader_changed', etcdCluster, { message: `etcd main leader changed (term ${change + 1})` }));
        cluster.advance(60);
      }
      createsFail(cluster, shop.replicaSet as EntityRef, 2, 'etcdserver: leader changed');
      expect(withPattern(analyze(cluster.events), 'etcd-leader-flapping'), `${changes} leader changes`).toHaveLength(expected);
    }
  });
});

describe('memory-leak-oom', () => {
  /** As the kubelet collector reports a working set growing toward the limit. */
  function trend(cluster: ReturnType<typeof twoNodes>['cluster'], pod: EntityRef, minutes: number): UnifiedEvent {
    const event = cluster.signal('memory_limit_approaching', pod, { message: `Container app grows 4.0 MiB/min: it reaches its limit (OOM kill) in about ${minutes} minutes` });
    event.source = 'kubelet_api';
    event.metrics = { 'memory.minutes_to_limit': minutes, 'memory.usage_percent': 80 };
    return event;
  }

  it('a working set growing toward the limit, then the OOM kill of that pod, is blamed on the growth', () => {
    const { cluster, shop } = twoNodes();
    const pod = shop.pods[0] as EntityRef;
    trend(cluster, pod, 4);
    cluster.advance(200);
    cluster.oomKill(pod, 1);
    const insights = withPattern(analyze(cluster.events), 'memory-leak-oom');
    expect(insights).toHaveLength(1);
    expect(insights[0]?.rootCause.eventType).toBe('memory_limit_approaching');
  });

  it('near misses: the OOM kill of another pod, or a kill before the growth was seen', () => {
    const other = twoNodes();
    trend(other.cluster, other.shop.pods[0] as EntityRef, 4);
    other.cluster.advance(200);
    other.cluster.oomKill(other.cart.pods[0] as EntityRef, 1);
    expect(withPattern(analyze(other.cluster.events), 'memory-leak-oom')).toEqual([]);

    const before = twoNodes();
    const pod = before.shop.pods[0] as EntityRef;
    before.cluster.oomKill(pod, 1);
    before.cluster.advance(30);
    trend(before.cluster, pod, 4);
    expect(withPattern(analyze(before.cluster.events), 'memory-leak-oom')).toEqual([]);
  });
});

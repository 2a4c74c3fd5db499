import { describe, expect, it } from 'vitest';
import type { EntityRef, Insight } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { analyze, summary } from '../../test/support/engine.js';

const withPattern = (insights: Insight[], pattern: string) => insights.filter((insight) => insight.pattern === pattern);

/** A shop namespace whose ResourceQuota "compute" is full, and a checkout Deployment under it. */
function fullQuota() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const quota = cluster.object('resource_created', { kind: 'ResourceQuota', name: 'compute', namespace: 'shop', uid: 'quota-1', creationTimestamp: cluster.now }, 'ResourceQuota shop/compute exists');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 2, nodes: ['node-1'] });
  cluster.advance(120);
  return { cluster, quota: quota.entity, replicaSet: checkout.replicaSet as EntityRef };
}

/** The ReplicaSet controller's FailedCreate as the kubeapi transformer reads it: the quota named as the cause. */
function refused(cluster: ClusterFixture, replicaSet: EntityRef): void {
  cluster.signal('replica_create_failed', replicaSet, {
    message: `Error creating: pods "${replicaSet.name}-x7k2p" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=1, limited: requests.cpu=1`,
    annotations: { 'cause.kind': 'ResourceQuota', 'cause.name': 'compute', 'cause.namespace': 'shop' },
  });
}

describe('admission-refused', () => {
  it('a full quota that keeps refusing creates is blamed', () => {
    const { cluster, replicaSet } = fullQuota();
    for (const wait of [2, 4, 8, 30, 60]) {
      refused(cluster, replicaSet);
      cluster.advance(wait);
    }
    const insights = withPattern(analyze(cluster.events), 'admission-refused');
    expect(insights, summary(analyze(cluster.events))).toHaveLength(1);
    expect(insights[0]?.rootCause.entity).toMatchObject({ kind: 'ResourceQuota', namespace: 'shop', name: 'compute' });
  });

  it('near miss: refused while the pod it replaces still terminates, then created (SuccessfulCreate) once it is gone', () => {
    const { cluster, replicaSet } = fullQuota();
    for (const wait of [1, 2, 4, 8, 15]) {
      refused(cluster, replicaSet);
      cluster.advance(wait);
    }
    cluster.signal('replica_created', replicaSet, { message: `Created pod: ${replicaSet.name}-q9w4z` });
    cluster.advance(300);
    expect(withPattern(analyze(cluster.events), 'admission-refused')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { analyze, summary } from '../../../test/support/engine.js';

const FAILED = 'ProvisioningFailed: failed to provision volume with StorageClass "hyperdisk-balanced": rpc error: code = InvalidArgument desc = CreateVolume failed: hyperdisk-balanced is not supported in zone europe-west4-a';

/** The default class moved (`moved`) to one that cannot provision in a zone; a StatefulSet scaled up later; its new claim fails. */
function defaultMoved(moved: boolean) {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  cluster.object('resource_created', { kind: 'StorageClass', name: 'hyperdisk-balanced', uid: 'sc-1', creationTimestamp: '2026-01-01T00:00:00Z' }, 'StorageClass hyperdisk-balanced exists');
  const clickhouse = cluster.workload('analytics', 'clickhouse', { replicas: 2, kind: 'StatefulSet' });
  cluster.advance(600);
  if (moved) cluster.object('resource_updated', { kind: 'StorageClass', name: 'hyperdisk-balanced', uid: 'sc-1' }, 'StorageClass hyperdisk-balanced changed: spec.annotations.storageclass.kubernetes.io/is-default-class added: true', 'MODIFIED', [{ path: 'spec.annotations.storageclass.kubernetes.io/is-default-class', op: 'added', after: 'true' }]);
  cluster.advance(1_200);
  cluster.scale(clickhouse, 3);
  const claim = cluster.ref('PersistentVolumeClaim', 'data-clickhouse-2', 'analytics');
  cluster.object('resource_created', { kind: 'PersistentVolumeClaim', name: 'data-clickhouse-2', namespace: 'analytics', uid: 'pvc-2' }, 'PersistentVolumeClaim analytics/data-clickhouse-2 exists');
  for (let attempt = 0; attempt < 4; attempt += 1) {
    cluster.signal('volume_attach_failed', claim, { message: FAILED });
    cluster.advance(40);
  }
  return { insights: analyze(cluster.events) };
}

describe('a claim that cannot be provisioned by a class that just became the default', () => {
  it('names the StorageClass that changed, not the claim', () => {
    const { insights } = defaultMoved(true);
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'StorageClass', name: 'hyperdisk-balanced' });
  });

  it('near miss: a class that stood unchanged leaves the claim named', () => {
    const { insights } = defaultMoved(false);
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'PersistentVolumeClaim', name: 'data-clickhouse-2' });
  });
});

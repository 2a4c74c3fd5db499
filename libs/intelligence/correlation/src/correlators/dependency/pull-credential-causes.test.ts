import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { analyze, loud, summary } from '../../../test/support/engine.js';

/** storefront's default ServiceAccount changed (`what`); ten minutes on, a routine release's pods are refused by the registry. */
function accountChangedThenRelease(what: string) {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  cluster.object('resource_created', { kind: 'ServiceAccount', name: 'default', namespace: 'storefront', uid: 'sa-1', imagePullSecrets: ['harbor-robot'] }, 'ServiceAccount storefront/default exists');
  const ui = cluster.workload('storefront', 'storefront-ui', { replicas: 2, serviceAccount: 'default' });
  cluster.advance(600);
  cluster.object('resource_updated', { kind: 'ServiceAccount', name: 'default', namespace: 'storefront', uid: 'sa-1' }, `ServiceAccount storefront/default updated: ${what}`, 'MODIFIED');
  cluster.advance(600);
  const fresh = cluster.rollout(ui, 'spec.containers[storefront-ui].image ui:14.3.1 -> ui:14.4.0', 1, ['spec.template.spec.containers[storefront-ui].image']);
  for (let round = 0; round < 4; round += 1) {
    cluster.advance(20);
    for (const pod of fresh) {
      cluster.signal('image_pull_failed', pod, { message: 'Failed: Failed to pull image "harbor.example/storefront/ui:14.4.0": failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized' });
      cluster.signal('image_pull_failed', pod, { message: 'Failed: Error: ErrImagePull' });
    }
  }
  cluster.advance(300);
  return loud(analyze(cluster.events));
}

describe('pulls refused after a ServiceAccount lost its pull credentials', () => {
  it('names the ServiceAccount, not the release that only made new pods', () => {
    const insights = accountChangedThenRelease('imagePullSecrets removed');
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'ServiceAccount', name: 'default' });
  });

  it('near miss: another change of the account leaves the release named', () => {
    const insights = accountChangedThenRelease('labels changed');
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'Deployment', name: 'storefront-ui' });
  });
});

import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { WorkingState } from '../state/working-state.js';
import { namedCause } from './named-cause.js';

/** A namespace with a pod quota: web (2 pods) and api (6) for hours, then `batch` (a Job of `parallelism` pods) 10 minutes before web's scale-up is refused. */
function refusedScaleUp(parallelism: number, options: { quotaEdited?: boolean; batchHoursAgo?: number } = {}) {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  cluster.object('resource_created', { kind: 'ResourceQuota', name: 'team-quota', namespace: 'content', uid: 'rq-1' }, 'ResourceQuota content/team-quota exists');
  const quota = cluster.ref('ResourceQuota', 'team-quota', 'content');
  const web = cluster.workload('content', 'web', { replicas: 2, nodes: ['node-1'] });
  cluster.workload('content', 'api', { replicas: 6, nodes: ['node-1'] });
  cluster.advance(2 * 3600 - (options.batchHoursAgo ?? 0) * 3600);
  const batch = cluster.workload('content', 'thumbnail-regen', { kind: 'Job', replicas: parallelism, nodes: ['node-1'] });
  cluster.advance((options.batchHoursAgo ?? 0) * 3600 + 600);
  if (options.quotaEdited) cluster.signal('quota_changed', quota, { message: 'ResourceQuota content/team-quota changed: spec.hard.pods 20 -> 12' });
  const used = 8 + parallelism;
  const refusal = cluster.signal('replica_create_failed', web.replicaSet ?? web.ref, {
    message: `FailedCreate: Error creating: pods "web-1" is forbidden: exceeded quota: team-quota, requested: pods=1, used: pods=${used}, limited: pods=${used}`,
    annotations: { 'cause.kind': 'ResourceQuota', 'cause.name': 'team-quota', 'cause.namespace': 'content', 'cause.exists': 'true' },
  });
  const state = new WorkingState();
  let root;
  for (const event of cluster.events) {
    const added = state.add(event);
    if (event === refusal) root = added?.indexed;
  }
  if (!root) throw new Error('the refusal was not indexed');
  return { cause: namedCause(state, root), batch: cluster.key(batch.ref), quota: cluster.key(quota) };
}

describe('a pod quota taken by a workload that just arrived', () => {
  it('names the Job started with a large parallelism, not the unchanged quota that refused the next pod', () => {
    const { cause, batch } = refusedScaleUp(10);
    expect(cause).toBe(batch);
  });

  it('leaves the quota named when it was edited lately, when no newcomer holds a third of its pods, or when the big one came long ago', () => {
    expect(refusedScaleUp(10, { quotaEdited: true }).cause).toBe(refusedScaleUp(10, { quotaEdited: true }).quota);
    const small = refusedScaleUp(1);
    expect(small.cause).toBe(small.quota);
    const old = refusedScaleUp(10, { batchHoursAgo: 3 });
    expect(old.cause).toBe(old.quota);
  });
});

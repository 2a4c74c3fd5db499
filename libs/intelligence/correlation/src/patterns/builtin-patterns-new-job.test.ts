import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { NODES, rootIs, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

/** A Job `export` created `ageSeconds` before it was first seen, with one pod of its own. */
function job(ageSeconds: number): { cluster: ClusterFixture; ref: EntityRef; pod: EntityRef } {
  const cluster = new ClusterFixture();
  cluster.nodes(...NODES);
  cluster.advance(60);
  cluster.object('resource_created', { kind: 'Job', name: 'export', namespace: 'reports', uid: 'job-1', creationTimestamp: cluster.now }, 'Job reports/export exists');
  const ref = { ...cluster.ref('Job', 'export', 'reports'), uid: 'job-1' };
  cluster.signal('resource_created', ref, { message: 'Job reports/export exists', annotations: { 'created.age_seconds': String(ageSeconds) } });
  cluster.object('resource_created', { kind: 'Pod', name: 'export-x7k2p', namespace: 'reports', uid: 'pod-1', ownerReferences: [{ kind: 'Job', name: 'export', uid: 'job-1', controller: true }], phase: 'Pending' }, 'Pod reports/export-x7k2p exists');
  return { cluster, ref, pod: { ...cluster.ref('Pod', 'export-x7k2p', 'reports'), uid: 'pod-1' } };
}

const pullFails = (cluster: ClusterFixture, pod: EntityRef, times: number) => {
  for (let attempt = 0; attempt < times; attempt += 1) {
    cluster.signal('image_pull_failed', pod, { message: 'ErrImageNeverPull: Container image "exporter:does-not-exist" is not present with pull policy of Never' });
    cluster.advance(30);
  }
};

describe('new-job-cannot-start', () => {
  it('a Job run once whose image does not exist is the root, two minutes on', () => {
    const { cluster, ref, pod } = job(1);
    cluster.advance(2);
    pullFails(cluster, pod, 6);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('new-job-cannot-start');
    expect(rootIs(insights[0], ref), summary(insights)).toBe(true);
  });

  it('near miss: attempts that fail and a retry that succeeds are the Job doing its work', () => {
    const { cluster, pod } = job(1);
    cluster.advance(5);
    cluster.signal('pod_failed', pod, { message: 'Pod reports/export-x7k2p failed: Error' });
    cluster.advance(10);
    cluster.signal('pod_completed', { ...cluster.ref('Pod', 'export-9d8c1', 'reports') }, { message: 'Pod reports/export-9d8c1 completed' });
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'new-job-cannot-start')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('near miss: the image arrives within the minute (a registry catching up) and the pod runs', () => {
    const { cluster, pod } = job(1);
    cluster.advance(2);
    pullFails(cluster, pod, 2);
    cluster.signal('pod_ready', pod);
    cluster.advance(150);
    expect(withPattern(analyze(cluster.events), 'new-job-cannot-start')).toEqual([]);
  });
});

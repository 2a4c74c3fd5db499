import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { NODES, rootIs, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

/** A cluster whose `recommender` Deployment (two pods) is reported as created `ageSeconds` before it was first seen. */
function deployed(ageSeconds: number): { cluster: ClusterFixture; app: ReturnType<ClusterFixture['workload']> } {
  const cluster = new ClusterFixture();
  cluster.nodes(...NODES);
  cluster.advance(60);
  const app = cluster.workload('labs', 'recommender', { replicas: 2 });
  cluster.signal('resource_created', app.ref, { message: 'Deployment labs/recommender exists', annotations: { 'created.age_seconds': String(ageSeconds) } });
  return { cluster, app };
}

const pullFails = (cluster: ClusterFixture, pods: readonly EntityRef[]) => {
  for (const pod of pods) cluster.signal('image_pull_failed', pod, { message: 'Failed: Error: ErrImagePull: registry.example/recommender:0.9.0 not found' });
};

describe('new-workload-cannot-start', () => {
  it('a Deployment deployed for the first time whose image does not exist is the root, two minutes on', () => {
    const { cluster, app } = deployed(1);
    cluster.advance(5);
    pullFails(cluster, app.pods);
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('new-workload-cannot-start');
    expect(rootIs(insights[0], app.ref), summary(insights)).toBe(true);
  });

  it('near miss: the same failures of a workload that existed for days (first seen by a restarted watch)', () => {
    const { cluster, app } = deployed(5 * 86_400);
    cluster.advance(5);
    pullFails(cluster, app.pods);
    cluster.advance(150);
    expect(withPattern(analyze(cluster.events), 'new-workload-cannot-start')).toEqual([]);
  });

  it('near miss: a workload a minute old whose pods were ready when first seen (later replaced, and the replacements wait)', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    cluster.advance(60);
    const app = cluster.workload('labs', 'recommender', { replicas: 2 });
    cluster.object('resource_created', { kind: 'Deployment', name: 'recommender', namespace: 'labs', uid: app.ref.uid as string, replicas: 2, readyReplicas: 2 }, 'Deployment labs/recommender exists');
    cluster.events[cluster.events.length - 1]!.annotations = { 'created.age_seconds': '50' };
    cluster.advance(5);
    for (const pod of app.pods) cluster.signal('pod_unschedulable', pod, { message: 'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.' });
    cluster.advance(150);
    expect(withPattern(analyze(cluster.events), 'new-workload-cannot-start')).toEqual([]);
  });

  it('near miss: a first pull that times out once, then the pods start', () => {
    const { cluster, app } = deployed(0);
    cluster.advance(5);
    pullFails(cluster, app.pods);
    cluster.advance(20);
    for (const pod of app.pods) cluster.signal('pod_ready', pod);
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'new-workload-cannot-start')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

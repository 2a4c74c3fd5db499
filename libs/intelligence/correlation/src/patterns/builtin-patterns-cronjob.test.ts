import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { NODES, rootIs, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, summary } from '../../test/support/engine.js';

const NS = 'billing';
const CRON_UID = '00000000-0000-4000-8000-00000000c001';

/** A CronJob of `billing`, its template changed or not, then one Job it starts that gives up. */
function cronJobRun(options: { templateChanged: boolean }) {
  const cluster = new ClusterFixture();
  cluster.nodes(...NODES);
  cluster.object('resource_created', { kind: 'CronJob', name: 'invoice-export', namespace: NS, uid: CRON_UID, creationTimestamp: cluster.now }, `CronJob ${NS}/invoice-export exists`);
  const cron: EntityRef = { ...cluster.ref('CronJob', 'invoice-export', NS), uid: CRON_UID };
  cluster.advance(600);
  if (options.templateChanged) {
    cluster.signal('workload_spec_changed', cron, { message: `CronJob ${NS}/invoice-export pod template changed: spec.containers[export].args ["--format=csv"] -> ["--format=parquet"]` });
  }
  cluster.advance(40);
  const jobUid = '00000000-0000-4000-8000-00000000c002';
  cluster.object('resource_created', { kind: 'Job', name: 'invoice-export-29431', namespace: NS, uid: jobUid, creationTimestamp: cluster.now, ownerReferences: [{ kind: 'CronJob', name: 'invoice-export', uid: CRON_UID, controller: true }] }, `Job ${NS}/invoice-export-29431 exists`);
  const job: EntityRef = { ...cluster.ref('Job', 'invoice-export-29431', NS), uid: jobUid };
  cluster.advance(45);
  cluster.signal('job_failed', job, { message: 'BackoffLimitExceeded: Job has reached the specified backoff limit' });
  cluster.advance(30);
  return { insights: analyze(cluster.events), cron, job };
}

describe('cronjob-regression', () => {
  it("a Job that gives up after its CronJob's template changed is the change's", () => {
    const { insights, cron } = cronJobRun({ templateChanged: true });
    expect(insights[0]?.pattern, summary(insights)).toBe('cronjob-regression');
    expect(rootIs(insights[0], cron), summary(insights)).toBe(true);
    // One incident: the Job's own giving up is the change's too, not a second incident rooted at the Job.
    expect(insights.filter((insight) => !rootIs(insight, cron)), summary(insights)).toEqual([]);
  });

  it('near miss: the same Job failing with no change to its CronJob is the Job\u2019s own (job-backoff-exceeded)', () => {
    const { insights, job } = cronJobRun({ templateChanged: false });
    expect(withPattern(insights, 'cronjob-regression')).toEqual([]);
    expect(insights[0]?.pattern, summary(insights)).toBe('job-backoff-exceeded');
    expect(rootIs(insights[0], job), summary(insights)).toBe(true);
  });
});

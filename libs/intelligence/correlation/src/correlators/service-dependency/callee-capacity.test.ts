import { describe, expect, it } from 'vitest';
import { entityKey, type EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { analyze, summary } from '../../../test/support/engine.js';

/**
 * A query service behind a Service, scaled down by hand; five minutes later a nightly export
 * Job that fans out over it starts, and twenty minutes on the controller stops it at its
 * deadline (or its pods kept failing: BackoffLimitExceeded).
 */
function nightlyExport(options: { to: number; strained: boolean; reason?: 'DeadlineExceeded' | 'BackoffLimitExceeded' }) {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2', 'node-3');
  const query = cluster.workload('ledger', 'ledger-query', { replicas: 4 });
  cluster.service(query);
  cluster.advance(600);
  cluster.scale(query, options.to);
  for (const pod of query.pods.splice(options.to)) cluster.retire(pod);
  cluster.advance(300);
  const job = cluster.workload('ledger', 'statement-export-29633880', { kind: 'Job', replicas: 1, calls: ['ledger-query.ledger.svc.cluster.local'] });
  cluster.advance(60);
  if (options.strained) {
    for (let probe = 0; probe < 6; probe += 1) {
      cluster.signal('probe_failed', query.pods[0] as EntityRef, { message: 'Unhealthy: Readiness probe failed: Get "http://10.48.3.71:8080/readyz": context deadline exceeded' });
      cluster.advance(120);
    }
  }
  cluster.advance(1_200 - (options.strained ? 720 : 0));
  const reason = options.reason ?? 'DeadlineExceeded';
  cluster.signal('job_failed', job.ref, { message: reason === 'DeadlineExceeded' ? 'DeadlineExceeded: Job was active longer than specified deadline' : 'BackoffLimitExceeded: Job has reached the specified backoff limit' });
  cluster.advance(10);
  return { insights: analyze(cluster.events), query, job };
}

const rootKey = (insights: ReturnType<typeof analyze>) => (insights[0] ? entityKey(insights[0].rootCause.entity) : undefined);

describe('a Job out of its deadline after its callee lost capacity', () => {
  it('blames the scale-down of the workload behind the Service it calls, when the callee strained', () => {
    const { insights, query } = nightlyExport({ to: 1, strained: true });
    expect(insights[0]?.pattern, summary(insights)).toBe('job-backoff-exceeded');
    expect(rootKey(insights), summary(insights)).toBe(entityKey(query.ref));
  });

  it('blames a scale-down that halved the callee without strain shown', () => {
    const { insights, query } = nightlyExport({ to: 2, strained: false });
    expect(rootKey(insights), summary(insights)).toBe(entityKey(query.ref));
  });

  it('near miss: a small scale-down and a callee without strain is routine', () => {
    const { insights, job } = nightlyExport({ to: 3, strained: false });
    expect(rootKey(insights), summary(insights)).toBe(entityKey(job.ref));
  });

  it('near miss: a Job whose pods kept failing (BackoffLimitExceeded) is not slow: the callee’s scale-down does not explain it', () => {
    const { insights, job } = nightlyExport({ to: 1, strained: true, reason: 'BackoffLimitExceeded' });
    expect(rootKey(insights), summary(insights)).toBe(entityKey(job.ref));
  });
});

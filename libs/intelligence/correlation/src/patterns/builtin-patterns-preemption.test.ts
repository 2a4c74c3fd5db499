import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { arrange, rootIs, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

/** A low-priority `reports` Deployment and a high-priority `ingest` one; `waves` of ingest's pods each preempt one reports pod, 4 minutes apart. */
function preemptionWaves(waves: number) {
  const { cluster, reports, ingest } = arrange((fixture) => ({
    reports: fixture.workload('batch', 'reports', { replicas: 3 }),
    ingest: fixture.workload('batch', 'ingest', { replicas: 3 }),
  }));
  for (let wave = 0; wave < waves; wave += 1) {
    const victim = reports.pods[wave % reports.pods.length] as EntityRef;
    const preemptor = ingest.pods[wave % ingest.pods.length] as EntityRef;
    cluster.signal('pod_preempted', victim, { message: `Preempted by pod ${preemptor.name} on node node-${1 + (wave % 3)}`, annotations: { 'cause.kind': 'Pod', 'cause.name': preemptor.name, 'cause.namespace': 'batch' } });
    cluster.advance(240);
  }
  return { insights: analyze(cluster.events), ingest };
}

/** One reports pod preempted by an ingest pod; its replacement cannot be scheduled (the preemptor took the room). */
function preemptionStarves() {
  const { cluster, reports, ingest } = arrange((fixture) => ({
    reports: fixture.workload('batch', 'reports', { replicas: 2 }),
    ingest: fixture.workload('batch', 'ingest', { replicas: 1 }),
  }));
  const victim = reports.pods[0] as EntityRef;
  const preemptor = ingest.pods[0] as EntityRef;
  cluster.signal('pod_preempted', victim, { message: `Preempted by pod ${preemptor.name} on node node-1`, annotations: { 'cause.kind': 'Pod', 'cause.name': preemptor.name, 'cause.namespace': 'batch' } });
  cluster.advance(1);
  const replacement = cluster.replacePod(reports);
  cluster.signal('pod_unschedulable', replacement, { message: '0/3 nodes are available: 3 Insufficient cpu.' });
  cluster.advance(30);
  cluster.retire(victim);
  cluster.advance(120);
  return { insights: analyze(cluster.events), ingest, victim, replacement };
}

describe('preemption', () => {
  it('a workload preempted wave after wave (three pods in 12 minutes) is blamed on the preemptor workload', () => {
    const { insights, ingest } = preemptionWaves(3);
    const preemption = withPattern(insights, 'preemption');
    expect(preemption.length, summary(insights)).toBe(1);
    expect(rootIs(preemption[0], ingest.ref), summary(insights)).toBe(true);
  });

  it('near miss: a single preemption whose victim is replaced is the scheduler doing its job, not an incident', () => {
    const { insights } = preemptionWaves(1);
    expect(withPattern(insights, 'preemption')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('preemption-starves: the preempted pod and its replacement that cannot be placed are both symptoms; the chain still ends at the replacement', () => {
    const { insights, ingest, victim, replacement } = preemptionStarves();
    const [starves] = withPattern(insights, 'preemption-starves');
    expect(rootIs(starves, ingest.ref), summary(insights)).toBe(true);
    expect(starves?.symptoms.map((symptom) => symptom.name)).toEqual([victim.name, replacement.name]);
    expect(starves?.story).toContain('2 pods affected (pod preempted, pod unschedulable)');
    expect(starves?.chain.map((link) => `${link.entity.name}:${link.type}`)).toEqual([`${victim.name}:pod_preempted`, `${replacement.name}:pod_unschedulable`]);
  });
});

import { describe, expect, it } from 'vitest';
import type { EntityRef, UnifiedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { builtinPatterns } from '../../test/support/engine.js';
import { CorrelationEngine } from '../engine/correlation-engine.js';
import { builtinCorrelators } from '../correlators/builtin-correlators.js';
import { FeedbackLedger } from '../feedback/feedback-ledger.js';
import { applyPatternOverrides, type PatternOverride } from './pattern-overrides.js';

/** A full quota refusing a ReplicaSet's creates for 30 s (back-off 1, 2, 4, 8, 15 s), then the pod is created. */
function refusedThenCreated(): UnifiedEvent[] {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  cluster.object('resource_created', { kind: 'ResourceQuota', name: 'compute', namespace: 'shop', uid: 'quota-1', creationTimestamp: cluster.now }, 'ResourceQuota shop/compute exists');
  const replicaSet = cluster.workload('shop', 'checkout', { replicas: 2, nodes: ['node-1'] }).replicaSet as EntityRef;
  cluster.advance(120);
  for (const wait of [1, 2, 4, 8, 15]) {
    cluster.signal('replica_create_failed', replicaSet, {
      message: `Error creating: pods "${replicaSet.name}-x7k2p" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2`,
      annotations: { 'cause.kind': 'ResourceQuota', 'cause.name': 'compute', 'cause.namespace': 'shop' },
    });
    cluster.advance(wait);
  }
  cluster.signal('replica_created', replicaSet, { message: `Created pod: ${replicaSet.name}-q9w4z` });
  cluster.advance(300);
  return cluster.events;
}

function admissionRefusals(overrides: Record<string, PatternOverride>): number {
  const engine = new CorrelationEngine(builtinCorrelators(), new FeedbackLedger());
  engine.setPatterns(applyPatternOverrides(builtinPatterns(), overrides).patterns);
  for (const event of refusedThenCreated()) engine.process(event);
  engine.releaseDue(Number.POSITIVE_INFINITY);
  return engine.rootInsights().filter((insight) => insight.pattern === 'admission-refused').length;
}

describe('applyPatternOverrides (tapio.yaml correlation.patternOverrides)', () => {
  it('replaces a built-in pattern\'s holdFor: the refusal the next try clears within the 1-minute hold is reported under a 10-second one', () => {
    expect(admissionRefusals({})).toBe(0);
    expect(admissionRefusals({ 'admission-refused': { holdFor: '10s' } })).toBe(1);
    expect(admissionRefusals({ 'admission-refused': { holdFor: '5m' } })).toBe(0);
  });

  it('leaves other patterns as their files say, and names overrides of patterns not loaded', () => {
    const patterns = builtinPatterns();
    const { patterns: applied, unknown } = applyPatternOverrides(patterns, { 'admission-refused': { holdFor: '3m' }, 'no-such-pattern': { holdFor: '1m' } });
    const byName = (name: string, list: typeof patterns) => list.find((pattern) => pattern.metadata.name === name);
    expect(byName('admission-refused', applied)?.spec.holdFor).toBe('3m');
    expect(byName('admission-refused', patterns)?.spec.holdFor).toBe('1m');
    expect(byName('service-without-endpoints', applied)).toBe(byName('service-without-endpoints', patterns));
    expect(unknown).toEqual(['no-such-pattern']);
  });
});

import { describe, expect, it } from 'vitest';
import type { EntityRef, K8sObjectFacts } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { DependencyCorrelator } from './dependency-correlator.js';

const correlator = new DependencyCorrelator();

function budgeted() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1', 'node-2');
  const app = fixture.workload('shop', 'checkout', { replicas: 2, nodes: ['node-1', 'node-2'] });
  const facts: K8sObjectFacts = { kind: 'PodDisruptionBudget', name: 'checkout-pdb', namespace: 'shop', uid: 'pdb-uid', selector: { matchLabels: { app: 'checkout' } } };
  fixture.object('resource_created', facts, 'PodDisruptionBudget shop/checkout-pdb exists');
  const budget = fixture.ref('PodDisruptionBudget', 'checkout-pdb', 'shop');
  fixture.advance(60);
  return { fixture, app, budget, facts };
}

/** The step every test ends with: the budget reported violated, and the edges the correlator gives that report. */
function violation(fixture: ClusterFixture, budget: EntityRef) {
  const violated = fixture.signal('disruption_budget_violated', budget);
  return { violated, edges: edgesFor(correlator, fixture.events, violated) };
}

describe('DependencyCorrelator: what violated a PodDisruptionBudget', () => {
  it('the drain of a node that took a protected pod: CAUSED by its cordon', () => {
    const { fixture, app, budget } = budgeted();
    const cordon = fixture.signal('node_cordoned', fixture.ref('Node', 'node-2'));
    fixture.advance(30);
    fixture.retire(app.pods[1]!);
    fixture.advance(2);
    const { violated, edges } = violation(fixture, budget);
    expect(fromTo(edges)).toEqual([`CAUSED ${cordon.id} -> ${violated.id}`]);
    expect(edges[0]?.reason).toMatch(/^the drain of Node node-2 \(cordoned 32s earlier\) took pods the budget protects: checkout-/);
  });

  it('the budget\'s own change before it (minAvailable raised): CAUSED by the change', () => {
    const { fixture, budget, facts } = budgeted();
    const change = fixture.object('disruption_budget_changed', facts, 'PodDisruptionBudget shop/checkout-pdb changed: spec.minAvailable 1 -> 4', 'MODIFIED');
    fixture.advance(1);
    const { violated, edges } = violation(fixture, budget);
    expect(fromTo(edges)).toEqual([`CAUSED ${change.id} -> ${violated.id}`]);
  });

  it('a protected pod that crashes: CAUSED by its first failure; pods of other workloads and cordons that took none of its pods are not', () => {
    const { fixture, app, budget } = budgeted();
    const other = fixture.workload('shop', 'cart', { replicas: 1, nodes: ['node-1'] });
    fixture.signal('node_cordoned', fixture.ref('Node', 'node-1'));
    fixture.retire(other.pods[0]!);
    fixture.crashLoop(other.pods[0]!, 3);
    const crash = fixture.crashLoop(app.pods[0]!, 3);
    fixture.advance(5);
    const { violated, edges } = violation(fixture, budget);
    expect(fromTo(edges)).toEqual([`CAUSED ${crash.id} -> ${violated.id}`]);
  });
});

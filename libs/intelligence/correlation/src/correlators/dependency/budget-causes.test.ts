import { describe, expect, it } from 'vitest';
import type { EntityRef, K8sObjectFacts } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { DependencyCorrelator } from './dependency-correlator.js';

const correlator = new DependencyCorrelator();

function budgeted(replicas = 2) {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1', 'node-2');
  const app = fixture.workload('shop', 'checkout', { replicas, nodes: ['node-1', 'node-2'] });
  const facts: K8sObjectFacts = {
    kind: 'PodDisruptionBudget',
    name: 'checkout-pdb',
    namespace: 'shop',
    uid: 'pdb-uid',
    selector: { matchLabels: { app: 'checkout' } },
    disruptionBudget: { expectedPods: replicas, currentHealthy: replicas, desiredHealthy: 2, disruptionsAllowed: replicas - 2, minAvailable: '2' },
  };
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

  /** The Deployment scaled 3 -> 1 (its spec.replicas edit) and two of its pods deleted. */
  function scaledDown(fixture: ClusterFixture, app: ReturnType<typeof budgeted>['app']) {
    const scaled = fixture.scale(app, 1);
    const scaledEvent = fixture.events[fixture.events.length - 1]!;
    fixture.advance(1);
    fixture.retire(app.pods[1]!);
    fixture.retire(app.pods[2]!);
    fixture.advance(2);
    return { scaled, scaledEvent };
  }

  it('a scale-down of the workload whose pods it protects: CAUSED by the replicas edit, saying what changed', () => {
    const { fixture, app, budget } = budgeted(3);
    const { scaledEvent } = scaledDown(fixture, app);
    const violated = fixture.signal('disruption_budget_violated', budget);
    const edges = edgesFor(correlator, fixture.events, violated);
    expect(fromTo(edges)).toEqual([`CAUSED ${scaledEvent.id} -> ${violated.id}`]);
    expect(edges[0]?.reason).toBe('Deployment shop/checkout scaled 3 -> 1 while PodDisruptionBudget shop/checkout-pdb requires minAvailable 2 (3s earlier)');
  });

  it('a scale-down its autoscaler made: CAUSED by the HorizontalPodAutoscaler\'s rescale', () => {
    const { fixture, app, budget } = budgeted(3);
    fixture.object('resource_created', { kind: 'HorizontalPodAutoscaler', name: 'checkout', namespace: 'shop', uid: 'hpa-uid', scaleTarget: { kind: 'Deployment', name: 'checkout' } }, 'HorizontalPodAutoscaler shop/checkout exists');
    fixture.advance(30);
    const hpa = fixture.ref('HorizontalPodAutoscaler', 'checkout', 'shop');
    const rescale = fixture.signal('workload_scaled', hpa, { message: 'SuccessfulRescale: New size: 1; reason: All metrics below target' });
    scaledDown(fixture, app);
    const violated = fixture.signal('disruption_budget_violated', budget);
    const edges = edgesFor(correlator, fixture.events, violated);
    expect(fromTo(edges)).toEqual([`CAUSED ${rescale.id} -> ${violated.id}`]);
    expect(edges[0]?.reason).toMatch(/^HorizontalPodAutoscaler shop\/checkout scaled it down \(SuccessfulRescale: New size: 1; .*\): Deployment shop\/checkout scaled 3 -> 1 while PodDisruptionBudget shop\/checkout-pdb requires minAvailable 2/);
  });

  it('the budget edited after the scale-down: CAUSED by the budget\'s edit; edited before it: by the scale-down', () => {
    const later = budgeted(3);
    scaledDown(later.fixture, later.app);
    const edit = later.fixture.object('disruption_budget_changed', later.facts, 'PodDisruptionBudget shop/checkout-pdb changed: spec.minAvailable 1 -> 2', 'MODIFIED');
    later.fixture.advance(1);
    const violatedLater = later.fixture.signal('disruption_budget_violated', later.budget);
    expect(fromTo(edgesFor(correlator, later.fixture.events, violatedLater))).toEqual([`CAUSED ${edit.id} -> ${violatedLater.id}`]);

    const earlier = budgeted(3);
    earlier.fixture.object('disruption_budget_changed', earlier.facts, 'PodDisruptionBudget shop/checkout-pdb changed: spec.minAvailable 1 -> 2', 'MODIFIED');
    earlier.fixture.advance(60);
    const { scaledEvent } = scaledDown(earlier.fixture, earlier.app);
    const violatedEarlier = earlier.fixture.signal('disruption_budget_violated', earlier.budget);
    expect(fromTo(edgesFor(correlator, earlier.fixture.events, violatedEarlier))).toEqual([`CAUSED ${scaledEvent.id} -> ${violatedEarlier.id}`]);
  });

  it('a scale-up or a scale-down of another workload is no cause', () => {
    const { fixture, app, budget } = budgeted(3);
    const other = fixture.workload('shop', 'cart', { replicas: 3, nodes: ['node-1'] });
    fixture.scale(other, 1);
    fixture.retire(other.pods[1]!);
    fixture.scale(app, 4);
    fixture.advance(5);
    const violated = fixture.signal('disruption_budget_violated', budget);
    expect(fromTo(edgesFor(correlator, fixture.events, violated))).toEqual([]);
  });
});

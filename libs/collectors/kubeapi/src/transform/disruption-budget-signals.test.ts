import { describe, expect, it } from 'vitest';
import type { UnifiedEvent } from '@tapio/domain';
import { evictionBlockedBy } from './disruption-budget-signals.js';
import { atSecond as at, transformAll as run, watchAt as watch } from './kubeapi-transformer.test-support.js';

function pdb(version: number, minAvailable: number, status: { expected: number; healthy: number; desired: number; allowed: number }): Record<string, unknown> {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'shop', uid: 'pdb-1', resourceVersion: String(version), generation: 1 },
    spec: { minAvailable, selector: { matchLabels: { app: 'web' } } },
    status: {
      expectedPods: status.expected,
      currentHealthy: status.healthy,
      desiredHealthy: status.desired,
      disruptionsAllowed: status.allowed,
      conditions: [{ type: 'DisruptionAllowed', status: status.allowed > 0 ? 'True' : 'False', reason: status.allowed > 0 ? 'SufficientPods' : 'InsufficientPods' }],
    },
  };
}
const signals = (events: UnifiedEvent[]) => events.filter((event) => event.type.startsWith('disruption_budget_') && event.type !== 'disruption_budget_changed').map((event) => `${event.type}: ${event.message}`);

describe('kubeapi transformer: PodDisruptionBudget violations', () => {
  it('a budget held at its bound while a drain waits is no violation; one pod fewer than required is, and meeting it again says so', () => {
    const events = run([
      watch('ADDED', pdb(1, 2, { expected: 3, healthy: 3, desired: 2, allowed: 1 })),
      watch('MODIFIED', pdb(2, 2, { expected: 3, healthy: 2, desired: 2, allowed: 0 }), 10),
      watch('MODIFIED', pdb(3, 2, { expected: 3, healthy: 1, desired: 2, allowed: 0 }), 20),
      watch('MODIFIED', pdb(4, 2, { expected: 3, healthy: 1, desired: 2, allowed: 0 }), 25),
      watch('MODIFIED', pdb(5, 2, { expected: 3, healthy: 3, desired: 2, allowed: 1 }), 60),
    ]);
    expect(signals(events)).toEqual([
      'disruption_budget_violated: PodDisruptionBudget shop/web is violated: 1 pod healthy of 3, 2 required (minAvailable 2)',
      'disruption_budget_restored: PodDisruptionBudget shop/web is met again: 3 pods healthy, 2 required',
    ]);
    expect(events.find((event) => event.type === 'disruption_budget_violated')?.annotations).toMatchObject({ 'budget.current_healthy': '1', 'budget.desired_healthy': '2' });
  });

  it('a budget edited to require more healthy pods than it protects is violated and said to be impossible, with the spec change before it', () => {
    const events = run([watch('ADDED', pdb(1, 2, { expected: 3, healthy: 3, desired: 2, allowed: 1 })), watch('MODIFIED', pdb(2, 5, { expected: 3, healthy: 3, desired: 5, allowed: 0 }), 30)]);
    expect(events.map((event) => event.type)).toEqual(['resource_created', 'disruption_budget_changed', 'disruption_budget_violated']);
    const violated = events[2] as UnifiedEvent;
    expect(violated.message).toBe('PodDisruptionBudget shop/web is violated: it requires 5 healthy of the 3 pods it protects (minAvailable 5): it cannot be met with 3 pods and blocks every voluntary eviction');
    expect(violated.annotations?.['budget.impossible']).toBe('true');
  });

  it('a budget violated when first seen is said at once; one with no pods to protect never is', () => {
    expect(signals(run([watch('ADDED', pdb(1, 2, { expected: 2, healthy: 1, desired: 2, allowed: 0 }))]))).toHaveLength(1);
    expect(signals(run([watch('ADDED', pdb(1, 2, { expected: 0, healthy: 0, desired: 2, allowed: 0 }))]))).toEqual([]);
  });

  it('an Event saying a budget refused an eviction is eviction_blocked (info), naming the budget', () => {
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-1.x', namespace: 'shop', uid: 'ev-1', resourceVersion: '9' },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'p-1' },
      reason: 'FailedEviction',
      message: 'Cannot evict pod as it would violate the pod\'s disruption budget. The disruption budget web needs 2 healthy pods and has 2 currently',
      type: 'Warning',
      count: 1,
      lastTimestamp: at(5),
    };
    const [signal] = run([watch('ADDED', event, 5)]);
    expect(signal?.type).toBe('eviction_blocked');
    expect(signal?.severity).toBe('info');
    expect(signal?.annotations).toMatchObject({ 'cause.kind': 'PodDisruptionBudget', 'cause.name': 'web', 'cause.namespace': 'shop' });
  });

  it('reads the budget from the eviction API and autoscaler messages', () => {
    expect(evictionBlockedBy("Cannot evict pod as it would violate the pod's disruption budget.")).toEqual({ blocked: true });
    expect(evictionBlockedBy('Cannot disrupt Node: pdb "shop/web" prevents pod evictions')).toEqual({ blocked: true, budget: 'web', namespace: 'shop' });
    expect(evictionBlockedBy('Back-off restarting failed container')).toEqual({ blocked: false });
  });
});

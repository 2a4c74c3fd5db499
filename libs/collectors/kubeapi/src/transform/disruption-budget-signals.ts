import type { K8sObjectFacts } from '@tapio/domain';
import { arr, num, obj, str, type Json } from './k8s-object.js';
import type { Signal } from './signal.js';

type BudgetFacts = NonNullable<K8sObjectFacts['disruptionBudget']>;

/** A PodDisruptionBudget's status and bounds as facts; undefined before its controller wrote a status. */
export function disruptionBudgetFacts(object: Json): BudgetFacts | undefined {
  const spec = obj(object['spec']);
  const status = obj(object['status']);
  const expectedPods = num(status['expectedPods']);
  const currentHealthy = num(status['currentHealthy']);
  const desiredHealthy = num(status['desiredHealthy']);
  if (expectedPods === undefined || currentHealthy === undefined || desiredHealthy === undefined) return undefined;
  const bound = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
  const minAvailable = bound(spec['minAvailable']);
  const maxUnavailable = bound(spec['maxUnavailable']);
  return {
    expectedPods,
    currentHealthy,
    desiredHealthy,
    disruptionsAllowed: num(status['disruptionsAllowed']) ?? 0,
    ...(minAvailable !== undefined ? { minAvailable } : {}),
    ...(maxUnavailable !== undefined ? { maxUnavailable } : {}),
  };
}

/**
 * Violated: fewer pods healthy than the budget requires (currentHealthy < desiredHealthy, with
 * pods to protect). `DisruptionAllowed=False` (InsufficientPods) alone is not a violation: a
 * drain that respects the budget holds it exactly at desiredHealthy while evictions wait.
 */
export function budgetViolated(budget: BudgetFacts | undefined): boolean {
  return budget !== undefined && budget.expectedPods > 0 && budget.currentHealthy < budget.desiredHealthy;
}

const pods = (count: number) => `${count} pod${count === 1 ? '' : 's'}`;

function bounds(budget: BudgetFacts): string {
  if (budget.minAvailable !== undefined) return `minAvailable ${budget.minAvailable}`;
  if (budget.maxUnavailable !== undefined) return `maxUnavailable ${budget.maxUnavailable}`;
  return 'its bounds';
}

/**
 * A PodDisruptionBudget becoming violated (and said again at first sight when it already is),
 * or meeting its bound again. A budget that requires more healthy pods than it protects
 * ("minAvailable 5" over 3 pods, or minAvailable 2 over a Deployment scaled to 1) is said to be
 * impossible: it blocks every drain until the pods or the budget change.
 */
export function disruptionBudgetSignals(previous: K8sObjectFacts | undefined, facts: K8sObjectFacts, object: Json): Signal[] {
  const budget = facts.disruptionBudget;
  const was = budgetViolated(previous?.disruptionBudget);
  const now = budgetViolated(budget);
  const name = `PodDisruptionBudget ${facts.namespace ?? ''}/${facts.name}`;
  if (now && !was && budget) {
    const impossible = budget.desiredHealthy > budget.expectedPods;
    const condition = arr(obj(object['status'])['conditions']).find((item) => item['type'] === 'DisruptionAllowed');
    const reason = str(condition?.['reason']) ?? 'InsufficientPods';
    const why = impossible
      ? `it requires ${budget.desiredHealthy} healthy of the ${pods(budget.expectedPods)} it protects (${bounds(budget)}): it cannot be met with ${pods(budget.expectedPods)} and blocks every voluntary eviction`
      : `${pods(budget.currentHealthy)} healthy of ${budget.expectedPods}, ${budget.desiredHealthy} required (${bounds(budget)})`;
    return [
      {
        type: 'disruption_budget_violated',
        key: `budget:violated:${budget.currentHealthy}/${budget.desiredHealthy}`,
        message: `${name} is violated: ${why}`,
        kubernetes: { reason },
        annotations: {
          'budget.current_healthy': String(budget.currentHealthy),
          'budget.desired_healthy': String(budget.desiredHealthy),
          'budget.expected_pods': String(budget.expectedPods),
          ...(impossible ? { 'budget.impossible': 'true' } : {}),
        },
      },
    ];
  }
  if (was && !now && budget) {
    return [{ type: 'disruption_budget_restored', key: 'budget:restored', severity: 'info', message: `${name} is met again: ${pods(budget.currentHealthy)} healthy, ${budget.desiredHealthy} required`, kubernetes: { reason: 'SufficientPods' } }];
  }
  return [];
}

/**
 * An eviction a PodDisruptionBudget refused, as the eviction API says it (HTTP 429, which
 * kubectl drain prints and tools such as Karpenter or cluster-autoscaler report as Events):
 * "Cannot evict pod as it would violate the pod's disruption budget.", "The disruption budget
 * web-pdb needs 2 healthy pods and has 2 currently", `pdb "shop/web-pdb" prevents pod evictions`.
 * The budget's name when the message gives it.
 */
export function evictionBlockedBy(message: string): { blocked: boolean; budget?: string; namespace?: string } {
  const needs = /disruption budget ([a-z0-9]([-a-z0-9.]*[a-z0-9])?) needs \d+ healthy pods/i.exec(message);
  if (needs) return { blocked: true, budget: needs[1] as string };
  const named = /pdb "?(?:([a-z0-9][-a-z0-9.]*)\/)?([a-z0-9][-a-z0-9.]*)"? prevents pod evictions/i.exec(message);
  if (named) return { blocked: true, budget: named[2] as string, ...(named[1] ? { namespace: named[1] } : {}) };
  return { blocked: /violate the pod's disruption budget|disruption budget.*(prevents|blocks|blocked)/i.test(message) };
}

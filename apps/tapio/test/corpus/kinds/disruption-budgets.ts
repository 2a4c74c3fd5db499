import type { CorpusCase } from '../corpus-case.js';
import { benignRecording, threeWays } from '../corpus-variants.js';
import { realRecording } from '../real-recording.js';
import { drainBreaksBudget, drainWithinBudget, impossibleBudget } from '../../support/disruption-budget-incidents.js';
import { scaleDownBreaksBudget, scaleDownWithinBudget } from '../../support/budget-scale-down-incidents.js';

/**
 * Issue #15 points 3-4: a PodDisruptionBudget is an incident only when availability is lost
 * (fewer healthy pods than it requires, for longer than a rolling dip), rooted at what made
 * it so: the drain that took its pods anyway, an edit of the budget itself, or a scale-down of
 * the workload it protects (kubectl scale, or its autoscaler). A drain that waits for its
 * budget, or a scale-down that keeps it met, is maintenance.
 */
export const corpusCases: readonly CorpusCase[] = [
  ...threeWays('PodDisruptionBudget violated by a drain (--disable-eviction)', 'checkout on node-2, minAvailable = replicas', () => drainBreaksBudget(benignRecording(), 'node-2', 'shop', 'checkout')),
  ...threeWays('PodDisruptionBudget violated by a drain (--disable-eviction)', 'cart on node-1', () => drainBreaksBudget(benignRecording(), 'node-1', 'shop', 'cart', 'pdb-drain-2')),
  ...threeWays('PodDisruptionBudget edited to an impossible minAvailable', 'frontend, minAvailable 2 -> 5', () => impossibleBudget(benignRecording(), 'shop', 'frontend')),
  ...threeWays('PodDisruptionBudget edited to an impossible minAvailable', 'payments-api, another namespace', () => impossibleBudget(benignRecording(), 'payments', 'payments-api', 'pdb-edit-2')),
  ...threeWays('PodDisruptionBudget violated by a scale-down', 'checkout 3 -> 1 by kubectl scale, minAvailable 2', () => scaleDownBreaksBudget(benignRecording(), 'shop', 'checkout', 'kubectl')),
  ...threeWays('PodDisruptionBudget violated by a scale-down', 'frontend 3 -> 1 by its HorizontalPodAutoscaler', () => scaleDownBreaksBudget(benignRecording(), 'shop', 'frontend', 'autoscaler', 'pdb-scale-2')),
  ...realRecording('PodDisruptionBudget violated by a scale-down', 'pdb-scale-down'),
  ...threeWays('benign: scale-down that keeps a PodDisruptionBudget met', 'checkout 3 -> 2, minAvailable 1', () => scaleDownWithinBudget(benignRecording(), 'shop', 'checkout')),
  ...realRecording('benign: scale-down that keeps a PodDisruptionBudget met', 'pdb-scale-within-budget'),
  ...threeWays('benign: drain within a PodDisruptionBudget (evictions wait)', 'checkout on node-1', () => drainWithinBudget(benignRecording(), 'node-1', 'shop', 'checkout')),
  ...threeWays('benign: drain within a PodDisruptionBudget (evictions wait)', 'frontend on node-3', () => drainWithinBudget(benignRecording(), 'node-3', 'shop', 'frontend', 'pdb-benign-2')),
];

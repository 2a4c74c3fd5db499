import type { RecordedLine } from '../../support/recording-variants.js';
import { noisyNeighbour, runtimeRestart } from '../../support/node-runtime-incidents.js';
import { rolloutRegression, stalledRollout } from '../../support/rollout-pattern-incidents.js';
import { antiAffinityScaleUp, evictionLoop, preemptionWaves } from '../../support/scheduling-churn-incidents.js';
import type { CorpusCase } from '../corpus-case.js';
import { benignRecording, threeWays } from '../corpus-variants.js';

const benign = (): RecordedLine[] => benignRecording();

/**
 * Recordings for built-in patterns no other kind names first (issue #15 deliver 6, "every
 * built-in pattern"): stalled-rollout, rollout-regression, runtime-restart, noisy-neighbour,
 * scheduler-thrash and preemption, each with its benign look-alike.
 */
export const corpusCases: readonly CorpusCase[] = [
  ...threeWays('stalled rollout: new pods never ready, progress deadline exceeded', 'checkout, new env var', () => stalledRollout(benign(), 'shop', 'checkout')),
  ...threeWays('stalled rollout: new pods never ready, progress deadline exceeded', 'payments-api', () => stalledRollout(benign(), 'payments', 'payments-api', { seed: 'stall-pay' })),
  ...threeWays('benign: a rollout whose new pods warm up slowly, then complete', 'checkout, ready after 40 s', () => stalledRollout(benign(), 'shop', 'checkout', { readyAfter: 40 })),
  ...threeWays('rollout regression: new pods crash after a template change', 'catalog, memory limit lowered to 128Mi', () => rolloutRegression(benign(), 'shop', 'catalog', 'memory-limit')),
  ...threeWays('rollout regression: new pods crash after a template change', 'frontend, argument the binary rejects', () => rolloutRegression(benign(), 'shop', 'frontend', 'bad-argument')),
  ...threeWays('benign: a rollout whose new pod restarts once while warming up', 'catalog', () => rolloutRegression(benign(), 'shop', 'catalog', 'memory-limit', { healthy: true })),
  ...threeWays('container runtime restarted: every pod of the node restarted with it', 'containerd killed by a signal on node-2, systemd restarts it', () => runtimeRestart(benign(), 'node-2')),
  ...threeWays('container runtime restarted: every pod of the node restarted with it', 'crio stopped and started by a package upgrade on node-3', () => runtimeRestart(benign(), 'node-3', { unit: 'crio.service', how: 'upgraded', seed: 'runtime-crio' })),
  ...threeWays('benign: containerd restarted, its containers kept running', 'node-1, package upgrade', () => runtimeRestart(benign(), 'node-1', { how: 'upgraded', podsAffected: false })),
  ...threeWays('noisy neighbour: a workload without a memory limit takes the node, a neighbour is OOM-killed', 'prometheus on node-3, cart OOM-killed', () => noisyNeighbour(benign(), 'monitoring', 'prometheus', 'shop', 'cart')),
  ...threeWays('noisy neighbour: a workload without a memory limit takes the node, a neighbour is OOM-killed', 'payments-api on node-1, grafana OOM-killed', () => noisyNeighbour(benign(), 'payments', 'payments-api', 'monitoring', 'grafana', { seed: 'noisy-pay' })),
  ...threeWays('benign: one OOM kill of a workload without a limit, neighbours untouched', 'prometheus on node-3', () => noisyNeighbour(benign(), 'monitoring', 'prometheus', 'shop', 'cart', { kills: 1 })),
  ...threeWays('scheduler thrash: a workload evicted and rescheduled again and again', 'catalog over its ephemeral-storage limit', () => evictionLoop(benign(), 'shop', 'catalog')),
  ...threeWays('scheduler thrash: a workload evicted and rescheduled again and again', 'frontend scaled beyond its anti-affinity', () => antiAffinityScaleUp(benign(), 'shop', 'frontend', 5)),
  ...threeWays('benign: one eviction for ephemeral storage, the replacement runs', 'catalog', () => evictionLoop(benign(), 'shop', 'catalog', { evictions: 1 })),
  ...threeWays('benign: a scale-up whose new pod waits once, then runs', 'catalog 2 -> 3', () => antiAffinityScaleUp(benign(), 'shop', 'catalog', 3)),
  ...threeWays('preemption, wave after wave: a workload keeps losing pods to a higher priority one', 'checkout, ingest scaled by its HPA', () => preemptionWaves(benign(), 'shop', 'checkout')),
  ...threeWays('preemption, wave after wave: a workload keeps losing pods to a higher priority one', 'payments-api, four waves', () => preemptionWaves(benign(), 'payments', 'payments-api', { waves: 4, seed: 'surge' })),
  ...threeWays('benign: a single preemption, the victim replaced at once', 'checkout', () => preemptionWaves(benign(), 'shop', 'checkout', { waves: 1 })),
];

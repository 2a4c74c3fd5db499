import { nodePressureEviction } from '../../support/node-lifecycle-incidents.js';
import { asPidPressure } from '../../support/pressure-retold.js';
import type { CorpusCase } from '../corpus-case.js';
import { benignRecording, threeWays } from '../corpus-variants.js';
import { realRecording } from '../real-recording.js';

/**
 * A node running out of process IDs (a fork loop, a thread leak): the kubelet evicts like under
 * memory pressure but its messages carry no figure, so the forker is named by a release just
 * before, else by the kubelet's ranking (the first pod it evicted). Not here: a leak without a
 * release whose low-priority victims go first, or a host process: with no figure, nothing tells
 * them from a forker evicted first (docs/root-cause.md, Gap 11).
 */
export const corpusCases: readonly CorpusCase[] = [
  ...threeWays('node PID pressure: the forker evicted first, no figure in any message', 'frontend on node-2', () => nodePressureEviction(benignRecording(), 'node-2', 'shop', 'frontend', { pressure: 'pids', seed: 'pids' })),
  ...threeWays('node PID pressure: low-priority pods evicted first, the released forker last', 'payments-api on node-1', () => nodePressureEviction(benignRecording(), 'node-1', 'payments', 'payments-api', { pressure: 'pids', order: 'victims-first', seed: 'pids-late' })),
  ...threeWays('node PID pressure: only victims evicted so far, the forker released just before', 'catalog on node-3', () => nodePressureEviction(benignRecording(), 'node-3', 'shop', 'catalog', { pressure: 'pids', order: 'victims-first', consumerEvicted: false, seed: 'pids-victims' })),
  ...realRecording('node PID pressure: a release forks without a bound, the kubelet evicts', 'pid-pressure-eviction'),
  ...realRecording('node PID pressure: a release forks without a bound, the kubelet evicts', 'memory-pressure-eviction', { as: 'PID pressure', retell: asPidPressure }),
];

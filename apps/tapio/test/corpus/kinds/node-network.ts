import { readRecording, retime, type RecordedLine } from '../../support/recording-variants.js';
import { ipExhaustion } from '../../support/network-incidents.js';
import { SHARED_SCENARIOS } from '../../support/shared-scenarios.js';
import type { CorpusCase } from '../corpus-case.js';

let cache: RecordedLine[] | undefined;
const benign = () => (cache ??= readRecording(new URL('benign-rollout.ndjson', SHARED_SCENARIOS)));
const exhausted = 'pod IP range of a node exhausted: new pods stay ContainerCreating';
const transient = 'benign: a nearly full node misses addresses for seconds during a scale-up';

/**
 * The node's pod network as a cause: IPAM out of addresses (CNI ADD fails "no IP addresses
 * available", FailedCreatePodSandBox, pods ContainerCreating), seen by the CNI collector and the
 * API server together or by the API server alone; and its benign look-alike, addresses missing
 * for a few seconds while old pods give theirs back.
 */
export const corpusCases: readonly CorpusCase[] = [
  { kind: exhausted, name: 'CNI collector and API server', make: () => ipExhaustion(benign(), 'node-2', 'shop', 'catalog', { cni: true }) },
  { kind: exhausted, name: 'API server only (FailedCreatePodSandBox names the IPAM error)', make: () => ipExhaustion(benign(), 'node-3', 'shop', 'frontend', { cni: false }) },
  {
    kind: exhausted,
    name: 'CNI collector, two pods, a day later at 0.6 times the speed',
    make: () => {
      const { lines, accept } = ipExhaustion(benign(), 'node-1', 'payments', 'payments-api', { cni: true, extra: 2 });
      return { lines: retime(lines, { shiftMs: 24 * 3_600_000, stretch: 0.6 }), accept };
    },
  },
  { kind: transient, name: 'CNI collector and API server', make: () => ipExhaustion(benign(), 'node-2', 'shop', 'catalog', { cni: true, transient: true }) },
  { kind: transient, name: 'API server only', make: () => ipExhaustion(benign(), 'node-3', 'shop', 'frontend', { cni: false, transient: true }) },
  { kind: transient, name: 'CNI collector, five pods', make: () => ipExhaustion(benign(), 'node-1', 'shop', 'checkout', { cni: true, transient: true, extra: 5 }) },
];

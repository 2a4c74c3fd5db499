import { describe, expect, it } from 'vitest';
import { analyzeRecording } from './support/analyze-recording.js';
import { ipExhaustion } from './support/network-incidents.js';
import { normalise, readRecording } from './support/recording-variants.js';
import { SHARED_SCENARIOS } from './support/shared-scenarios.js';

const benign = readRecording(new URL('benign-rollout.ndjson', SHARED_SCENARIOS));

function analyse(incident: ReturnType<typeof ipExhaustion>) {
  const { insights, rejected } = analyzeRecording(normalise(incident.lines));
  expect(rejected).toBe(0);
  return insights;
}

// The built-in pod-ip-exhaustion pattern: a node's IPAM range used up, pods stuck in
// ContainerCreating, root cause the node's range (its Node), from the CNI collector's
// ip_allocation_failed or the kubelet's FailedCreatePodSandBox alone.
describe('pod-ip-exhaustion: CNI IPAM out of addresses -> pods stay ContainerCreating', () => {
  it('with the CNI collector: the first insight is the exhaustion, on the Node, naming the range', () => {
    const [first] = analyse(ipExhaustion(benign, 'node-2', 'shop', 'catalog', { cni: true }));
    expect(first?.pattern).toBe('pod-ip-exhaustion');
    expect(first?.rootCause.entity).toMatchObject({ kind: 'Node', name: 'node-2' });
    expect(first?.story).toContain('no IP addresses available in range set: 10.244.2.1-10.244.2.254');
  });

  it('from the API server alone (FailedCreatePodSandBox carries the IPAM error)', () => {
    const [first] = analyse(ipExhaustion(benign, 'node-3', 'shop', 'frontend', { cni: false }));
    expect(first?.pattern).toBe('pod-ip-exhaustion');
    expect(first?.rootCause.entity).toMatchObject({ kind: 'Node', name: 'node-3' });
  });

  it('near misses: addresses missing for seconds (the pods then run), or one pod only', () => {
    for (const cni of [true, false]) {
      expect(analyse(ipExhaustion(benign, 'node-2', 'shop', 'catalog', { cni, transient: true })).map((insight) => insight.pattern)).not.toContain('pod-ip-exhaustion');
      expect(analyse(ipExhaustion(benign, 'node-2', 'shop', 'catalog', { cni, extra: 1 })).map((insight) => insight.pattern)).not.toContain('pod-ip-exhaustion');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { mapEventReason } from './event-reasons.js';

describe('mapEventReason: node pressure', () => {
  it("the kubelet's EvictionThresholdMet is the pressure of the resource it reclaims, not always memory", () => {
    expect(mapEventReason('EvictionThresholdMet', 'Attempting to reclaim memory', 'Warning').type).toBe('memory_pressure');
    expect(mapEventReason('EvictionThresholdMet', 'Attempting to reclaim ephemeral-storage', 'Warning').type).toBe('disk_pressure');
    expect(mapEventReason('EvictionThresholdMet', 'Attempting to reclaim inodes', 'Warning').type).toBe('disk_pressure');
    expect(mapEventReason('EvictionThresholdMet', 'Attempting to reclaim pids', 'Warning').type).toBe('pid_pressure');
  });

  it('an eviction for node pressure is high whatever the resource; one for breaking its own storage limit is not', () => {
    expect(mapEventReason('Evicted', 'The node was low on resource: memory. ', 'Warning', 'Pod')).toEqual({ type: 'pod_evicted', severity: 'high' });
    expect(mapEventReason('Evicted', 'The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 512Mi. ', 'Warning', 'Pod')).toEqual({ type: 'pod_evicted', severity: 'high' });
    expect(mapEventReason('Evicted', 'Usage of EmptyDir volume "spool" exceeds the limit "8Mi". ', 'Warning', 'Pod')).toEqual({ type: 'pod_evicted' });
  });
});

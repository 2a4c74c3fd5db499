import { describe, expect, it } from 'vitest';
import { UnifiedEvent, type DeadLetter, type DeadLetterSink } from '@tapio/domain';
import { Pipeline } from '../pipeline.js';
import { seedMappingTransformers } from './seed-mapping.js';

function collectingSink(): DeadLetterSink & { entries: DeadLetter[] } {
  const entries: DeadLetter[] = [];
  return { entries, put: (entry) => void entries.push(entry), count: () => entries.length, recent: (limit) => entries.slice(-limit) };
}

function pipeline() {
  const deadLetters = collectingSink();
  return { deadLetters, pipeline: new Pipeline({ transformers: seedMappingTransformers, deadLetters, cluster: 'fallback', clock: { now: () => Date.parse('2024-01-15T10:30:05Z') } }) };
}

/** Seed 000's kubelet example, verbatim. */
const KUBELET_OOM = {
  timestamp: '2024-01-15T10:30:00Z',
  type: 'PodStatusUpdate',
  source: 'kubelet_collector',
  metadata: { node: 'node-1', cluster: 'prod-west' },
  data: {
    pod: 'frontend-5d4b5c6d7-xyz',
    namespace: 'production',
    phase: 'Failed',
    reason: 'OOMKilled',
    containers: [{ name: 'nginx', restartCount: 3, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
  },
};

/** Seed 000's eBPF example, verbatim. */
const EBPF_REFUSED = {
  timestamp: '2024-01-15T10:30:00Z',
  type: 'NetworkConnection',
  source: 'ebpf_collector',
  metadata: { node: 'node-1' },
  data: { src_pod: 'frontend-5d4b5c6d7-xyz', dst_service: 'backend-service', protocol: 'TCP', state: 'connection_refused', attempts: 15 },
};

function only(input: unknown): UnifiedEvent {
  const { pipeline: subject, deadLetters } = pipeline();
  const result = subject.process(input);
  expect(deadLetters.entries).toEqual([]);
  expect(result.ok).toBe(true);
  if (!result.ok) throw new Error(result.reason);
  expect(result.events).toHaveLength(1);
  const event = result.events[0] as UnifiedEvent;
  // Every event the table yields is a valid UnifiedEvent.
  expect(UnifiedEvent.safeParse(event).success).toBe(true);
  return event;
}

describe("seed 000 mapping table", () => {
  it('Kubelet PodStatusUpdate, phase Failed -> pod_failed (the seed example)', () => {
    const event = only(KUBELET_OOM);
    expect(event.type).toBe('pod_failed');
    expect(event.severity).toBe('high');
    expect(event.message).toBe('Pod frontend-5d4b5c6d7-xyz failed: OOMKilled');
    expect(event.k8sContext).toMatchObject({ kind: 'Pod', name: 'frontend-5d4b5c6d7-xyz', namespace: 'production', cluster: 'prod-west', nodeName: 'node-1' });
    expect(event.entity).toMatchObject({ kind: 'Pod', name: 'frontend-5d4b5c6d7-xyz', namespace: 'production', cluster: 'prod-west' });
    expect(event.kubernetes).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(event.timestamp).toBe('2024-01-15T10:30:00Z');
    expect(event.processedAt).toBe('2024-01-15T10:30:05.000Z');
    expect(event.source).toBe('kubelet_collector');
  });

  it('Kubelet PodStatusUpdate, a container restarted -> pod_restart', () => {
    const event = only({ ...KUBELET_OOM, data: { ...KUBELET_OOM.data, phase: 'Running', reason: undefined } });
    expect(event.type).toBe('pod_restart');
    expect(event.severity).toBe('medium');
    expect(event.message).toBe('Container nginx restarted 3 times');
    expect(event.kubernetes).toMatchObject({ container: 'nginx', restartCount: 3, reason: 'OOMKilled', exitCode: 137 });
  });

  it('Kubelet PodStatusUpdate with nothing wrong yields no event', () => {
    const { pipeline: subject } = pipeline();
    const result = subject.process({ ...KUBELET_OOM, data: { pod: 'a', namespace: 'b', phase: 'Running', containers: [{ name: 'c', restartCount: 0 }] } });
    expect(result).toMatchObject({ ok: true, events: [] });
  });

  it('Kubelet PodReady -> pod_ready', () => {
    const event = only({ ...KUBELET_OOM, type: 'PodReady', data: { pod: 'frontend-5d4b5c6d7-xyz', namespace: 'production', ready: true } });
    expect(event.type).toBe('pod_ready');
    expect(event.severity).toBe('info');
    expect(event.message).toContain('became ready');
  });

  it('eBPF NetworkConnection, connection refused -> connection_failed (the seed example)', () => {
    const event = only(EBPF_REFUSED);
    expect(event.type).toBe('connection_failed');
    expect(event.network).toMatchObject({ protocol: 'TCP', state: 'connection_refused', attempts: 15, dstService: 'backend-service' });
    expect(event.message).toContain('refused (15 attempts)');
    expect(event.entity).toMatchObject({ kind: 'Pod', name: 'frontend-5d4b5c6d7-xyz', cluster: 'fallback' });
  });

  it('eBPF NetworkConnection, service without endpoints -> service_unavailable, about the Service', () => {
    const event = only({ ...EBPF_REFUSED, data: { ...EBPF_REFUSED.data, namespace: 'production', state: 'no_endpoints' } });
    expect(event.type).toBe('service_unavailable');
    expect(event.entity).toMatchObject({ kind: 'Service', name: 'backend-service', namespace: 'production' });
    expect(event.correlationHints).toEqual(['fallback/Service/production/backend-service']);
  });

  it('CNI NetworkPolicy, traffic denied -> network_policy_violation', () => {
    const event = only({
      timestamp: '2024-01-15T10:30:00Z',
      type: 'NetworkPolicy',
      source: 'cni',
      metadata: { cluster: 'prod-west', node: 'node-2' },
      data: { pod: 'frontend-1', namespace: 'production', policy: 'deny-egress', direction: 'egress', dst_ip: '10.0.3.4', dst_port: 5432, action: 'deny' },
    });
    expect(event.type).toBe('network_policy_violation');
    expect(event.message).toBe('egress traffic of production/frontend-1 with 10.0.3.4:5432 blocked by NetworkPolicy deny-egress');
    expect(event.correlationHints).toEqual(['prod-west/NetworkPolicy/production/deny-egress']);
    expect(event.k8sContext?.nodeName).toBe('node-2');
  });

  it('CNI NetworkPolicy, traffic allowed yields no event', () => {
    const { pipeline: subject } = pipeline();
    expect(subject.process({ timestamp: '2024-01-15T10:30:00Z', type: 'NetworkPolicy', source: 'cni', data: { pod: 'p', namespace: 'n', action: 'allow' } })).toMatchObject({ ok: true, events: [] });
  });

  it('Config ConfigMapUpdate -> config_changed, naming the keys', () => {
    const event = only({ timestamp: '2024-01-15T10:30:00Z', type: 'ConfigMapUpdate', source: 'config', data: { name: 'checkout-config', namespace: 'shop', changedKeys: ['application.yaml'] } });
    expect(event.type).toBe('config_changed');
    expect(event.entity).toMatchObject({ kind: 'ConfigMap', name: 'checkout-config', namespace: 'shop' });
    expect(event.message).toBe('ConfigMap shop/checkout-config was modified (keys: application.yaml)');
    expect(event.kubernetes?.changes).toEqual([{ path: 'data.application.yaml', op: 'changed' }]);
  });

  it('Config SecretUpdate -> secret_changed', () => {
    const event = only({ timestamp: '2024-01-15T10:30:00Z', type: 'SecretUpdate', source: 'config_collector', data: { name: 'db-credentials', namespace: 'shop', changedKeys: ['password'] } });
    expect(event.type).toBe('secret_changed');
    expect(event.entity).toMatchObject({ kind: 'Secret', name: 'db-credentials' });
  });

  it('a raw type a transformer does not know is dead-lettered with the expected types named', () => {
    const { pipeline: subject, deadLetters } = pipeline();
    const result = subject.process({ ...KUBELET_OOM, type: 'PodExploded' });
    expect(result).toMatchObject({ ok: false, stage: 'transform' });
    expect(deadLetters.entries[0]?.reason).toBe('kubelet: unknown raw type "PodExploded" (expected PodStatusUpdate or PodReady)');
  });

  it('a payload missing a required field is dead-lettered naming the field', () => {
    const { pipeline: subject, deadLetters } = pipeline();
    subject.process({ ...EBPF_REFUSED, data: { dst_service: 'x', state: 'connection_refused' } });
    expect(deadLetters.entries[0]?.reason).toMatch(/^ebpf NetworkConnection: data\.src_pod /);
  });
});

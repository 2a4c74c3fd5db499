import { describe, expect, it } from 'vitest';
import type { RawEvent } from '@tapio/plugin-api';
import { KubeletApiTransformer } from './kubelet-transformer.js';

const MIB = 1024 * 1024;
const context = { eventId: (raw: RawEvent, discriminator: string) => `${raw.type}-${discriminator}`, processedAt: '2026-12-03T05:00:01Z', cluster: 'lab' };
const raw = (type: string, data: Record<string, unknown>): RawEvent => ({ timestamp: '2026-12-03T05:00:00Z', type, source: 'kubelet_api', data, metadata: { node: 'n1' } });
const POD = { name: 'api-1', namespace: 'ledger', uid: 'u1' };
const transformer = new KubeletApiTransformer();

describe('KubeletApiTransformer', () => {
  it('a container sample is a resource_usage event on the Pod with the metrics patterns read', () => {
    const [event] = transformer.transform(raw('container_usage', { node: 'n1', time: '2026-12-03T05:00:00Z', pod: POD, container: 'app', memory: { workingSetBytes: 58 * MIB, limitBytes: 64 * MIB }, cpu: { usageMillicores: 100, limitMillicores: 500 } }), context);
    expect(event).toMatchObject({
      type: 'resource_usage',
      severity: 'medium',
      entity: { kind: 'Pod', name: 'api-1', namespace: 'ledger', cluster: 'lab' },
      k8sContext: { uid: 'u1', nodeName: 'n1' },
      kubernetes: { container: 'app' },
      metrics: { 'memory.usage_percent': 90.6, 'memory.limit_bytes': 64 * MIB, 'cpu.usage_percent': 20, 'cpu.usage_millicores': 100 },
    });
    expect(event?.message).toBe('Container app of pod ledger/api-1: memory 58.0 MiB of 64.0 MiB (90.6%), CPU 100m of 500m (20%)');
  });

  it('a container without limits has no usage percent (nothing to compare with)', () => {
    const [event] = transformer.transform(raw('container_usage', { node: 'n1', time: '2026-12-03T05:00:00Z', pod: POD, container: 'app', memory: { workingSetBytes: 5 * MIB } }), context);
    expect(event?.metrics).toEqual({ 'memory.working_set_bytes': 5 * MIB });
    expect(event?.severity).toBe('info');
  });

  it('a trend predicts the OOM kill in minutes; pressure is about the Node', () => {
    const [trend] = transformer.transform(raw('memory_trend', { node: 'n1', time: '2026-12-03T05:00:00Z', pod: POD, container: 'app', workingSetBytes: 48 * MIB, limitBytes: 64 * MIB, growthBytesPerMinute: 4 * MIB, minutesToLimit: 4, samples: 6 }), context);
    expect(trend).toMatchObject({ type: 'memory_limit_approaching', severity: 'high', metrics: { 'memory.minutes_to_limit': 4, 'memory.usage_percent': 75 } });
    expect(trend?.message).toMatch(/reaches it \(OOM kill\) in about 4 minutes$/);
    // No fit in the recording: taken as 0.9, times 6 / (6 + 2).
    expect(trend?.metrics?.['memory.trend_confidence']).toBe(0.675);
    const [fitted] = transformer.transform(raw('memory_trend', { node: 'n1', time: '2026-12-03T05:00:00Z', pod: POD, container: 'app', workingSetBytes: 48 * MIB, limitBytes: 64 * MIB, growthBytesPerMinute: 4 * MIB, minutesToLimit: 4, samples: 18, fit: 0.5 }), context);
    expect(fitted?.metrics?.['memory.trend_confidence']).toBe(0.45);
    const [pressure] = transformer.transform(raw('node_pressure', { node: 'n1', time: '2026-12-03T05:00:00Z', resource: 'memory', signal: 'memory.available', observed: 50 * MIB, threshold: 100 * MIB, unit: 'bytes' }), context);
    expect(pressure).toMatchObject({ type: 'memory_pressure', entity: { kind: 'Node', name: 'n1' }, kubernetes: { condition: 'MemoryPressure', conditionStatus: 'True' } });
  });

  it('refuses unknown raw types and data of the wrong shape with the reason', () => {
    expect(() => transformer.transform(raw('pod_exploded', {}), context)).toThrow(/^kubelet_api: unknown raw type "pod_exploded"/);
    expect(() => transformer.transform(raw('container_usage', { node: 'n1', time: '2026-12-03T05:00:00Z', pod: POD, container: 'app', memory: { workingSetBytes: -1 } }), context)).toThrow(/^kubelet_api container_usage: data\.memory\.workingSetBytes/);
    expect(() => transformer.transform(raw('toString', {}), context)).toThrow(/unknown raw type "toString"/);
  });
});

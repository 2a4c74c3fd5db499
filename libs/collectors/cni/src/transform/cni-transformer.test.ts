import { describe, expect, it } from 'vitest';
import type { RawEvent } from '@tapio/plugin-api';
import { classifyCniError } from './classify-cni-error.js';
import { CniTapTransformer } from './cni-transformer.js';

const context = { eventId: (raw: RawEvent, discriminator: string) => discriminator, processedAt: '2026-12-03T05:00:01Z', cluster: 'lab' };
const record = (extra: Record<string, unknown>) => ({ time: '2026-12-03T05:00:00Z', command: 'ADD', network: 'k8s', plugin: 'bridge', containerId: 'abc123', netns: '/var/run/netns/x', ifName: 'eth0', pod: { namespace: 'shop', name: 'p1', uid: 'u1' }, durationMs: 40, exitCode: 0, node: 'n1', ...extra });
const raw = (data: Record<string, unknown>, type = 'cni_add'): RawEvent => ({ timestamp: '2026-12-03T05:00:00Z', type, source: 'cni_tap', data, metadata: {} });

describe('CniTapTransformer', () => {
  it('classifies failures from the plugin error', () => {
    expect(classifyCniError({ msg: 'failed to allocate for range 0: no IP addresses available in range set: 10.0.0.1-10.0.0.2' })).toBe('ipam_exhausted');
    expect(classifyCniError({ msg: 'tapio-cni-tap: plugin "bridgex" not found in CNI_PATH /opt/cni/bin' })).toBe('plugin_missing');
    expect(classifyCniError({ msg: 'failed to find bridge "cni0": Link not found' })).toBe('bridge_missing');
    expect(classifyCniError({ msg: 'failed to set up IP masquerade' })).toBe('plugin_error');
  });

  it('a sandbox without a pod is about the Node; a passing CHECK says nothing', () => {
    const [event] = new CniTapTransformer().transform(raw(record({ pod: { namespace: '', name: '', uid: '' }, result: { ips: [{ address: '10.0.0.2/24' }] } })), context);
    expect(event?.entity).toEqual({ kind: 'Node', name: 'n1', cluster: 'lab' });
    expect(new CniTapTransformer().transform(raw(record({ command: 'CHECK' }), 'cni_check'), context)).toEqual([]);
  });

  it('refuses unknown raw types and records of the wrong shape with the reason', () => {
    expect(() => new CniTapTransformer().transform(raw(record({}), 'cni_explode'), context)).toThrow(/^cni_tap: unknown raw type "cni_explode"/);
    expect(() => new CniTapTransformer().transform(raw(record({ exitCode: 'zero' })), context)).toThrow(/^cni_tap cni_add: data\.exitCode/);
  });
});

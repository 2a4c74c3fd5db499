import type { RawEvent, TransformContext } from '@tapio/domain';
import { UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { KernelTransformer } from './kernel-transformer.js';

const context: TransformContext = { eventId: (_, discriminator) => `id-${discriminator}`, processedAt: '2026-01-01T00:00:01.000Z', cluster: 'prod' };
const transformer = new KernelTransformer();
const pod = { namespace: 'shop', name: 'cart-1', uid: 'u-1' };
const base = { node: 'node-1', bootNs: '1000', workload: { kind: 'pod', cgroupId: '77', podUid: 'u-1', containerId: 'c'.repeat(64), pod } };
const process = { pid: 10, tid: 10, ppid: 1, uid: 0, comm: 'app' };
const raw = (type: string, data: object): RawEvent => ({ timestamp: '2026-01-01T00:00:00.000Z', type, source: 'kernel', data, metadata: {} });

describe('KernelTransformer', () => {
  it('maps a TCP close from SYN_SENT by error: refused, timeout, unreachable', () => {
    const socket = { protocol: 'TCP', family: 'ipv4', dstIp: '10.0.0.9', dstPort: 5432, peer: { namespace: 'db', name: 'pg-0', uid: 'u-2' } };
    const cases: Array<[number, string, string]> = [
      [111, 'ECONNREFUSED', 'connection_refused'],
      [110, 'ETIMEDOUT', 'connection_timeout'],
      [113, 'EHOSTUNREACH', 'network_unreachable'],
    ];
    for (const [errno, errnoName, type] of cases) {
      const [event] = transformer.transform(raw('tcp_close', { ...base, process, socket, errno, errnoName, oldState: 'SYN_SENT', newState: 'CLOSE' }), context);
      expect(event?.type).toBe(type);
      expect(event?.network).toMatchObject({ dstIp: '10.0.0.9', dstPort: 5432, dstService: 'db/pg-0', errno });
      expect(event?.correlationHints).toContain('prod/Pod/db/pg-0');
      UnifiedEvent.parse(event);
    }
  });

  it('maps a reset of an established connection to connection_reset', () => {
    const socket = { protocol: 'TCP', family: 'ipv4', srcIp: '10.0.0.5', srcPort: 40000, dstIp: '10.0.0.9', dstPort: 80 };
    const [event] = transformer.transform(raw('tcp_close', { ...base, socket, errno: 104, errnoName: 'ECONNRESET', oldState: 'ESTABLISHED', newState: 'CLOSE' }), context);
    expect(event?.type).toBe('connection_reset');
    expect(event?.entity).toMatchObject({ kind: 'Pod', name: 'cart-1', namespace: 'shop', cluster: 'prod' });
  });

  it('maps aggregated retransmissions to tcp_retransmits_high', () => {
    const socket = { protocol: 'TCP', family: 'ipv4', dstIp: '10.0.0.9', dstPort: 80 };
    const [event] = transformer.transform(raw('tcp_retransmits', { ...base, socket, retransmits: 12, final: true, state: 'CLOSE', windowSeconds: 4.5 }), context);
    expect(event?.type).toBe('tcp_retransmits_high');
    expect(event?.network?.retransmits).toBe(12);
    expect(event?.message).toContain('12 TCP retransmissions in 4.5 s');
  });

  it('a pod the index does not know stays on the host, with its uid kept', () => {
    const workload = { kind: 'pod', cgroupId: '5', podUid: 'u-9', containerId: 'd'.repeat(64) };
    const [event] = transformer.transform(raw('process_exit', { node: 'node-1', bootNs: '1', workload, process, exitCode: 2, signal: 0, coreDumped: false }), context);
    expect(event?.entity).toEqual({ kind: 'Host', name: 'node-1', cluster: 'prod' });
    expect(event?.kernel).toMatchObject({ podUid: 'u-9', exitCode: 2 });
    expect(event?.message).toContain('unknown pod u-9');
  });

  it('rejects unknown types and invalid data with a message naming the field', () => {
    expect(() => transformer.transform(raw('kprobe_thing', base), context)).toThrow(/unknown type "kprobe_thing"/);
    expect(() => transformer.transform(raw('oom_victim', { ...base, process }), context)).toThrow(/invalid data: rssBytes/);
  });
});

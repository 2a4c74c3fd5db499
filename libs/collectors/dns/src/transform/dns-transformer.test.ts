import type { RawEvent, TransformContext } from '@tapio/domain';
import { UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { DnsTransformer } from './dns-transformer.js';

const context: TransformContext = { eventId: (_, discriminator) => `id-${discriminator}`, processedAt: '2026-01-01T00:00:01.000Z', cluster: 'prod' };
const transformer = new DnsTransformer();
const exchange = {
  node: 'node-1',
  bootNs: '5',
  workload: { kind: 'pod', cgroupId: '9', podUid: 'u-1', pod: { namespace: 'shop', name: 'cart-1', uid: 'u-1' }, attributedBy: 'cgroup' },
  protocol: 'udp',
  clientIp: '10.1.0.7',
  clientPort: 40000,
  serverIp: '10.96.0.10',
  serverPort: 53,
  id: 7,
  query: 'payments.shop.svc.cluster.local',
  queryType: 'A',
  attempts: 2,
};
const raw = (type: string, data: object): RawEvent => ({ timestamp: '2026-01-01T00:00:00.000Z', type, source: 'dns', data, metadata: {} });

describe('DnsTransformer', () => {
  it('SERVFAIL is a dns_failure of high severity on the pod', () => {
    const [event] = transformer.transform(raw('dns_response', { ...exchange, rcode: 'SERVFAIL', latencyMs: 12.5, answers: 0, truncated: false, slow: false }), context);
    UnifiedEvent.parse(event);
    expect(event).toMatchObject({ type: 'dns_failure', severity: 'high', entity: { kind: 'Pod', namespace: 'shop', name: 'cart-1' } });
    expect(event?.network).toMatchObject({ dnsQuery: 'payments.shop.svc.cluster.local', dnsRcode: 'SERVFAIL', latencyMs: 12.5, attempts: 2, dstIp: '10.96.0.10' });
  });

  it('NXDOMAIN keeps the default severity; a slow NOERROR answer is dns_slow', () => {
    const [nx] = transformer.transform(raw('dns_response', { ...exchange, rcode: 'NXDOMAIN', latencyMs: 3, answers: 0, truncated: false, slow: false }), context);
    expect(nx).toMatchObject({ type: 'dns_failure', severity: 'medium' });
    const [slow] = transformer.transform(raw('dns_response', { ...exchange, rcode: 'NOERROR', latencyMs: 1200, answers: 1, truncated: false, slow: true }), context);
    expect(slow?.type).toBe('dns_slow');
    expect(slow?.message).toContain('answered in 1200.0 ms (slow)');
  });

  it('a timeout names the query, the server and the attempts', () => {
    const [event] = transformer.transform(raw('dns_timeout', { ...exchange, waitedMs: 5000 }), context);
    expect(event?.type).toBe('dns_timeout');
    expect(event?.message).toBe('DNS A payments.shop.svc.cluster.local from pod shop/cart-1 to 10.96.0.10:53: no answer in 5000 ms (2 attempts)');
  });

  it('rejects unknown types and invalid data', () => {
    expect(() => transformer.transform(raw('dns_query', exchange), context)).toThrow(/unknown type "dns_query"/);
    expect(() => transformer.transform(raw('dns_timeout', { ...exchange, query: '' }), context)).toThrow(/invalid data: query/);
  });
});

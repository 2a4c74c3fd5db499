import type { RawEvent, TransformContext } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { EtcdTransformer } from './etcd-transformer.js';

const context: TransformContext = { eventId: (raw, discriminator) => `${raw.type}#${discriminator}`, processedAt: '2026-01-01T00:00:00.000Z', cluster: 'c1' };
const raw = (type: string, data: unknown): RawEvent => ({ timestamp: '2026-01-01T00:00:00.000Z', type, source: 'etcd', metadata: {}, data });
const member = { id: '42', name: 'm1', endpoint: 'https://10.0.0.1:2379' };

describe('EtcdTransformer', () => {
  it('slow applies and slow fsyncs are etcd_slow on the member', () => {
    const transformer = new EtcdTransformer();
    expect(transformer.transform(raw('slow_apply', { node: 'cp-1', cluster: 'main', member, slowApplies: 3 }), context)[0]).toMatchObject({ type: 'etcd_slow', entity: { kind: 'EtcdMember', name: 'm1' }, metrics: { slow_applies: 3 }, k8sContext: { nodeName: 'cp-1' } });
    const [fsync] = transformer.transform(raw('slow_disk', { node: 'cp-1', cluster: 'main', member, operation: 'wal_fsync', p99Ms: 128, observations: 10, thresholdMs: 50 }), context);
    expect(fsync?.message).toBe('etcd member m1: WAL fsync p99 128 ms over 10 operations (threshold 50 ms)');
  });

  it('rejects what it cannot read, naming the problem', () => {
    const transformer = new EtcdTransformer();
    expect(() => transformer.transform(raw('leader_elected', {}), context)).toThrow(/unknown raw type "leader_elected"/);
    expect(() => transformer.transform(raw('leader_changed', { node: 'cp-1', cluster: 'main', term: 3 }), context)).toThrow(/etcd leader_changed: data\.newLeader/);
  });
});

import { describe, expect, it } from 'vitest';
import type { ResourceNode } from '@tapio/plugin-api';
import { TopologyIndex } from './topology-index.js';

const node = (key: string, kind: string): ResourceNode => ({ key, ref: { kind, name: key.split('/').at(-1) as string, namespace: 'shop', cluster: 'c' }, updatedAt: '2026-03-02T10:00:00Z' }) as ResourceNode;
const caller = 'c/Deployment/shop/web';
const callee = 'c/Service/shop/cart';

describe('TopologyIndex keeps the evidence of inferred edges', () => {
  it('answers DEPENDS_ON with its evidence, updates it, drops it with the edge, and keeps it through a snapshot', () => {
    const index = new TopologyIndex();
    const depends = (evidence: string | undefined, to = callee) =>
      index.apply({ op: 'upsert', node: node(caller, 'Deployment'), replace: [{ type: 'DEPENDS_ON', direction: 'out' }], edges: evidence === undefined ? [] : [{ type: 'DEPENDS_ON', from: caller, to, evidence }] });
    depends('probe_failed: dial tcp 10.100.7.21:8080: connect: connection refused');
    expect(index.edgesOf(caller)).toEqual([{ type: 'DEPENDS_ON', from: caller, to: callee, evidence: 'probe_failed: dial tcp 10.100.7.21:8080: connect: connection refused' }]);
    expect(index.edgesOf(callee)[0]?.evidence).toContain('connection refused');
    depends('its pod spec calls http://cart');
    expect(index.edgesOf(caller)[0]?.evidence).toBe('its pod spec calls http://cart');
    expect(TopologyIndex.fromJSON(index.toJSON()).edgesOf(caller)).toEqual(index.edgesOf(caller));
    depends(undefined);
    expect(index.edgesOf(caller)).toEqual([]);
    // The edge back without evidence has none left over.
    index.apply({ op: 'upsert', node: node(caller, 'Deployment'), replace: [{ type: 'DEPENDS_ON', direction: 'out' }], edges: [{ type: 'DEPENDS_ON', from: caller, to: callee }] });
    expect(index.edgesOf(caller)).toEqual([{ type: 'DEPENDS_ON', from: caller, to: callee }]);
  });
});

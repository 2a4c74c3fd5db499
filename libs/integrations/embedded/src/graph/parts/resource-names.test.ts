import { describe, expect, it } from 'vitest';
import { TopologyIndex, type ResourceNode } from '@tapio/domain';
import { ResourceNames } from './resource-names.js';

const AT = '2026-03-02T10:00:00Z';
const pod = (n: number): ResourceNode => ({ key: `c/Pod/shop/web-${n}`, ref: { cluster: 'c', kind: 'Pod', namespace: 'shop', name: `web-${n}` }, deleted: false, updatedAt: AT });

describe('ResourceNames', () => {
  it('forgets the names of deleted objects the topology forgot: pods under new names do not grow it', () => {
    const topology = new TopologyIndex(5);
    const names = new ResourceNames(topology);
    for (let n = 0; n < 100; n += 1) {
      topology.apply({ op: 'upsert', node: pod(n), replace: [], edges: [] });
      names.index(pod(n).key, pod(n).ref);
      if (n > 0) topology.apply({ op: 'delete', key: pod(n).key, at: AT });
    }
    // web-0 (live) and the 5 deleted last
    expect(names.size).toBe(6);
    expect(names.keysFor({ kind: 'Pod', namespace: 'shop', name: 'web-99' })).toEqual(['c/Pod/shop/web-99']);
    expect(names.keysFor({ kind: 'Pod', namespace: 'shop', name: 'web-0' })).toEqual(['c/Pod/shop/web-0']);
    expect(names.keysFor({ kind: 'Pod', namespace: 'shop', name: 'web-1' })).toEqual([]);
  });
});

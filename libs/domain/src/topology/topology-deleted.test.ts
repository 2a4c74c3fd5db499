import { describe, expect, it } from 'vitest';
import type { ResourceNode, TopologyChange } from '@tapio/plugin-api';
import { TopologyIndex } from './topology-index.js';

const AT = '2026-03-02T10:00:00Z';
const pod = (index: number): ResourceNode => ({ key: `Pod/ns/pod-${index}`, ref: { kind: 'Pod', namespace: 'ns', name: `pod-${index}` }, deleted: false, updatedAt: AT });
const upsert = (node: ResourceNode, owner?: string): TopologyChange => ({
  op: 'upsert',
  node,
  replace: [{ type: 'OWNS', direction: 'in' }],
  edges: owner ? [{ type: 'OWNS', from: owner, to: node.key }] : [],
});

describe('TopologyIndex: deleted objects are bounded', () => {
  it('keeps the newest maxDeleted deleted nodes and forgets the oldest, while live nodes stay', () => {
    const index = new TopologyIndex(100);
    index.apply(upsert({ key: 'ReplicaSet/ns/web', ref: { kind: 'ReplicaSet', namespace: 'ns', name: 'web' }, deleted: false, updatedAt: AT }));
    for (let round = 0; round < 1_000; round += 1) {
      index.apply(upsert(pod(round), 'ReplicaSet/ns/web'));
      if (round % 10 !== 0) index.apply({ op: 'delete', key: pod(round).key, at: AT });
    }
    expect(index.deletedCount).toBe(100);
    // 100 live pods, the ReplicaSet, the newest 100 deleted.
    expect([...index.keys()]).toHaveLength(201);
    expect(index.has(pod(1).key)).toBe(false);
    expect(index.node(pod(999).key)?.deleted).toBe(true);
    expect(index.node(pod(0).key)?.deleted).toBe(false);
    expect(index.owned('ReplicaSet/ns/web')).toHaveLength(100);
  });

  it('rootOwner answers are forgotten with the deleted nodes, and keys that are no node are not cached', () => {
    const index = new TopologyIndex(100);
    // Pods without owners replaced under new names: no OWNS edge ever changes, which would clear the answers.
    for (let round = 0; round < 1_000; round += 1) {
      index.apply(upsert(pod(round)));
      expect(index.rootOwner(pod(round).key)).toBe(pod(round).key);
      expect(index.rootOwner(`Pod/ns/never-${round}`)).toBe(`Pod/ns/never-${round}`);
      index.apply({ op: 'delete', key: pod(round).key, at: AT });
    }
    // The newest 100 deleted pods are kept, and at most their answers (1,000 pods and 1,000 unknown keys without the bound).
    expect(index.cachedRootOwners).toBeLessThanOrEqual(100);
    expect(index.rootOwner(pod(1).key)).toBe(pod(1).key);
  });

  it('an object created again after its deletion is live, not forgotten; a loaded snapshot is bounded too', () => {
    const index = new TopologyIndex(2);
    for (const round of [1, 2, 3]) {
      index.apply(upsert(pod(round)));
      index.apply({ op: 'delete', key: pod(round).key, at: AT });
    }
    index.apply(upsert(pod(2)));
    index.apply(upsert(pod(4)));
    index.apply({ op: 'delete', key: pod(4).key, at: AT });
    expect(index.node(pod(2).key)?.deleted).toBe(false);
    expect(index.deletedCount).toBe(2);
    const loaded = new TopologyIndex(1);
    loaded.load(index.toJSON());
    expect(loaded.deletedCount).toBe(1);
    expect(loaded.node(pod(4).key)?.deleted).toBe(true);
  });
});

import { entityKey, EVENT_SEMANTICS, type EntityRef, type TopologyChange, type UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { subBatches } from './sub-batches.js';
import type { WriteOp } from './write-op.js';

const ref = (kind: string, name: string): EntityRef => ({ cluster: 'c', kind, namespace: 'ns', name });
const upsert = (node: EntityRef, targets: EntityRef[] = []): WriteOp => ({
  kind: 'topology',
  change: {
    op: 'upsert',
    node: { key: entityKey(node), ref: node, deleted: false, updatedAt: '2026-03-02T10:00:00Z' },
    replace: [{ type: 'SELECTS', direction: 'out' }],
    edges: targets.map((target) => ({ type: 'SELECTS', from: entityKey(node), to: entityKey(target) })),
  } satisfies TopologyChange,
});
const remove = (node: EntityRef): WriteOp => ({ kind: 'topology', change: { op: 'delete', key: entityKey(node), at: '2026-03-02T10:00:00Z' } });
const event = (id: string, entity: EntityRef): WriteOp => {
  const semantics = EVENT_SEMANTICS.pod_restart;
  const unified: UnifiedEvent = {
    id,
    type: 'pod_restart',
    timestamp: '2026-03-02T10:00:00Z',
    source: 'test',
    severity: semantics.severity,
    message: id,
    semantic: { intent: semantics.intent, category: semantics.category, narrative: id },
    entity,
    processedAt: '2026-03-02T10:00:00Z',
  };
  return { kind: 'event', event: unified };
};
const sizes = (ops: WriteOp[]) => subBatches(ops).map((part) => part.length);

describe('subBatches', () => {
  const service = ref('Service', 's');
  const pod1 = ref('Pod', 'p1');
  const pod2 = ref('Pod', 'p2');

  it('keeps unrelated writes together', () => {
    expect(sizes([upsert(pod1), upsert(pod2), event('e1', pod1), event('e2', pod1), event('e3', pod2)])).toEqual([5]);
  });

  it('cuts where a node is written twice', () => {
    expect(sizes([upsert(pod1), remove(pod1), upsert(pod1)])).toEqual([1, 1, 1]);
    expect(sizes([upsert(service, [pod1]), upsert(pod2), upsert(service, [pod2])])).toEqual([2, 1]);
  });

  it('cuts before deleting a node an earlier op named as an edge endpoint', () => {
    expect(sizes([upsert(service, [pod1]), remove(pod1)])).toEqual([1, 1]);
    expect(sizes([remove(pod1), upsert(service, [pod1])])).toEqual([2]);
  });

  it('cuts where one op replaces an edge set another op lists edges in, either way round', () => {
    const podOwnedBy = (pod: EntityRef, owner: EntityRef): WriteOp => ({
      kind: 'topology',
      change: {
        op: 'upsert',
        node: { key: entityKey(pod), ref: pod, deleted: false, updatedAt: '2026-03-02T10:00:00Z' },
        replace: [{ type: 'SELECTS', direction: 'in' }],
        edges: [{ type: 'SELECTS', from: entityKey(owner), to: entityKey(pod) }],
      },
    });
    // service replaces its outgoing SELECTS; the pod lists service -> pod on that side.
    expect(sizes([upsert(service, []), podOwnedBy(pod1, service)])).toEqual([1, 1]);
    expect(sizes([podOwnedBy(pod1, service), upsert(service, [])])).toEqual([1, 1]);
  });

  it('keeps pods that share an owner, a node and a ConfigMap in one sub-batch', () => {
    const replicaSet = ref('ReplicaSet', 'rs');
    const node = { cluster: 'c', kind: 'Node', name: 'n1' };
    const configMap = ref('ConfigMap', 'cm');
    const pod = (p: EntityRef): WriteOp => ({
      kind: 'topology',
      change: {
        op: 'upsert',
        node: { key: entityKey(p), ref: p, deleted: false, updatedAt: '2026-03-02T10:00:00Z' },
        replace: [{ type: 'OWNS', direction: 'in' }, { type: 'RUNS_ON', direction: 'out' }, { type: 'MOUNTS', direction: 'out' }],
        edges: [
          { type: 'OWNS', from: entityKey(replicaSet), to: entityKey(p) },
          { type: 'RUNS_ON', from: entityKey(p), to: entityKey(node) },
          { type: 'MOUNTS', from: entityKey(p), to: entityKey(configMap) },
        ],
      },
    });
    expect(sizes([pod(pod1), pod(pod2), upsert(service, [pod1, pod2]), event('e1', pod1)])).toEqual([4]);
  });

  it('cuts before an event about a node deleted earlier in the batch', () => {
    expect(sizes([remove(pod1), event('e1', pod2), event('e2', pod1)])).toEqual([2, 1]);
  });

  it('cuts before an insight written twice', () => {
    const insight = (id: string): WriteOp => ({ kind: 'insight', insight: { id } as never });
    expect(sizes([insight('a'), insight('b'), insight('a')])).toEqual([2, 1]);
  });

  it('keeps every op exactly once and in order', () => {
    const ops = [upsert(pod1), remove(pod1), event('e1', pod1), upsert(service, [pod1, pod2]), event('e2', pod2)];
    expect(subBatches(ops).flat()).toEqual(ops);
  });
});

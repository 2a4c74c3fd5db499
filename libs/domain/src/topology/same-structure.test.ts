import { describe, expect, it } from 'vitest';
import type { EdgeSet, K8sObjectFacts, ResourceNode, TopologyChange, TopologyEdge } from '@tapio/plugin-api';
import { sameStructure } from './same-structure.js';
import { TopologyIndex } from './topology-index.js';

const podKey = 'shop/Pod/web-1';
const podFacts: K8sObjectFacts = {
  kind: 'Pod',
  name: 'web-1',
  namespace: 'shop',
  uid: 'u1',
  labels: { app: 'web' },
  ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7c9' }],
  nodeName: 'n1',
  phase: 'Running',
  ready: true,
  containers: [{ name: 'app', ready: true, restartCount: 0 }],
  configMaps: ['web-config'],
};
const node = (facts: K8sObjectFacts, key = podKey, uid = facts.uid): ResourceNode => ({
  key,
  ref: { kind: facts.kind, name: facts.name, namespace: facts.namespace ?? null, ...(uid ? { uid } : {}) },
  facts,
  deleted: false,
  updatedAt: '2026-12-04T06:00:00.000Z',
});
const upsert = (facts: K8sObjectFacts, key = podKey, replace: EdgeSet[] = [], edges: TopologyEdge[] = []): TopologyChange => ({ op: 'upsert', node: node(facts, key), replace, edges });

/** The keys `changedSince` names for `next` applied after `first`. */
function named(first: K8sObjectFacts, next: K8sObjectFacts, key = podKey): string[] | undefined {
  const index = new TopologyIndex();
  index.apply(upsert(first, key));
  const since = index.nodeVersion;
  index.apply(upsert(next, key));
  return index.changedSince(since);
}

describe('sameStructure', () => {
  it('a status-only version keeps the structure', () => {
    const status = { ...podFacts, ready: false, phase: 'Pending', resourceVersion: '42', containers: [{ name: 'app', ready: false, restartCount: 3 }] };
    expect(sameStructure(node(podFacts), node(status))).toBe(true);
    expect(sameStructure(node(podFacts), node({ ...podFacts }))).toBe(true);
    // A status field present on one side only is no difference either.
    const { ready: _ready, containers: _containers, ...withoutStatus } = podFacts;
    expect(sameStructure(node(podFacts), node(withoutStatus))).toBe(true);
    expect(sameStructure(node(withoutStatus), node(podFacts))).toBe(true);
  });

  it('any other fact, the reference or the deleted mark is structure', () => {
    expect(sameStructure(undefined, node(podFacts))).toBe(false);
    expect(sameStructure(node(podFacts), node({ ...podFacts, labels: { app: 'web', tier: 'front' } }))).toBe(false);
    expect(sameStructure(node(podFacts), node({ ...podFacts, configMaps: ['web-config', 'extra'] }))).toBe(false);
    expect(sameStructure(node(podFacts), node({ ...podFacts, nodeName: 'n2' }))).toBe(false);
    expect(sameStructure(node(podFacts), node({ ...podFacts, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-8d0' }] }))).toBe(false);
    // A fact added later to K8sObjectFacts counts until it is listed as status.
    expect(sameStructure(node(podFacts), node({ ...podFacts, priorityClassName: 'high' }))).toBe(false);
    // The same pod name recreated under a new uid.
    expect(sameStructure(node(podFacts), node(podFacts, podKey, 'u2'))).toBe(false);
    expect(sameStructure({ ...node(podFacts), deleted: true }, node(podFacts))).toBe(false);
    const { facts: _facts, ...bare } = node(podFacts);
    expect(sameStructure(bare, node(podFacts))).toBe(false);
  });
});

describe('TopologyIndex.changedSince', () => {
  it('does not name a node whose new version changed status only', () => {
    expect(named(podFacts, { ...podFacts, ready: false, containers: [{ name: 'app', ready: false, restartCount: 1 }] })).toEqual([]);
  });

  it('names a node whose status and structure changed in the same version', () => {
    // A Deployment's template ConfigMaps have no edge: only the node says they changed.
    const deployment: K8sObjectFacts = { kind: 'Deployment', name: 'web', namespace: 'shop', uid: 'd1', replicas: 3, readyReplicas: 3, configMaps: ['web-config'] };
    const key = 'shop/Deployment/web';
    expect(named(deployment, { ...deployment, readyReplicas: 2, configMaps: ['web-config-v2'] }, key)).toEqual([key]);
    expect(named(podFacts, { ...podFacts, ready: false, labels: { app: 'web', canary: 'true' } })).toEqual([podKey]);
  });

  it('names a node created, deleted, or set again after its deletion', () => {
    const index = new TopologyIndex();
    index.apply(upsert(podFacts));
    expect(index.changedSince(0)).toEqual([podKey]);
    const beforeDelete = index.nodeVersion;
    index.apply({ op: 'delete', key: podKey, at: '2026-12-04T06:01:00.000Z' });
    expect(index.changedSince(beforeDelete)).toEqual([podKey]);
    const beforeReturn = index.nodeVersion;
    index.apply(upsert(podFacts));
    expect(index.changedSince(beforeReturn)).toEqual([podKey]);
  });

  it('still names both ends of an edge a status-only version adds', () => {
    const index = new TopologyIndex();
    index.apply(upsert(podFacts));
    const since = index.nodeVersion;
    index.apply(upsert({ ...podFacts, ready: false }, podKey, [{ type: 'RUNS_ON', direction: 'out' }], [{ type: 'RUNS_ON', from: podKey, to: 'Node/n1' }]));
    expect(index.changedSince(since)).toEqual([podKey, 'Node/n1']);
  });
});

import { describe, expect, it } from 'vitest';
import type { ResourceNode, TopologyEdge } from '@tapio/plugin-api';
import { PODS_REACHED, podsReachedBy, reachPath } from './pods-reached.js';
import { TopologyIndex } from './topology-index.js';
import { WORKLOAD_KINDS } from './workload-kinds.js';

const AT = '2026-03-02T10:00:00Z';

function node(kind: string, name: string, deleted = false): ResourceNode {
  const namespace = kind === 'Node' || kind === 'PersistentVolume' ? null : 'shop';
  return { key: `c/${kind}/${namespace ?? '_'}/${name}`, ref: { cluster: 'c', kind, namespace, name }, deleted, updatedAt: AT };
}

/** A small cluster: a Deployment with two pods (one deleted), everything that reaches them, and a bystander pod. */
function cluster(): { index: TopologyIndex; key: (kind: string, name: string) => string } {
  const nodes = [
    node('Deployment', 'web'),
    node('ReplicaSet', 'web-1'),
    node('Pod', 'web-a'),
    node('Pod', 'web-b', true),
    node('Pod', 'other'),
    node('ConfigMap', 'conf'),
    node('Secret', 'token'),
    node('PersistentVolumeClaim', 'data'),
    node('PersistentVolume', 'pv-1'),
    node('Service', 'web'),
    node('Ingress', 'web'),
    node('Node', 'node-1'),
    node('NetworkPolicy', 'deny'),
    node('HorizontalPodAutoscaler', 'web'),
  ];
  const key = (kind: string, name: string) => (nodes.find((item) => item.ref.kind === kind && item.ref.name === name) as ResourceNode).key;
  const edge = (type: TopologyEdge['type'], from: string, to: string): TopologyEdge => ({ type, from, to });
  const pods = [key('Pod', 'web-a'), key('Pod', 'web-b')];
  const edges: TopologyEdge[] = [
    edge('OWNS', key('Deployment', 'web'), key('ReplicaSet', 'web-1')),
    ...pods.flatMap((pod) => [
      edge('OWNS', key('ReplicaSet', 'web-1'), pod),
      edge('MOUNTS', pod, key('ConfigMap', 'conf')),
      edge('USES_SECRET', pod, key('Secret', 'token')),
      edge('CLAIMS', pod, key('PersistentVolumeClaim', 'data')),
      edge('SELECTS', key('Service', 'web'), pod),
      edge('RUNS_ON', pod, key('Node', 'node-1')),
      edge('APPLIES_TO', key('NetworkPolicy', 'deny'), pod),
    ]),
    edge('RUNS_ON', key('Pod', 'other'), key('Node', 'node-1')),
    edge('BOUND_TO', key('PersistentVolumeClaim', 'data'), key('PersistentVolume', 'pv-1')),
    edge('ROUTES_TO', key('Ingress', 'web'), key('Service', 'web')),
    edge('SCALES', key('HorizontalPodAutoscaler', 'web'), key('Deployment', 'web')),
  ];
  const index = new TopologyIndex();
  index.load({ nodes, edges });
  return { index, key };
}

describe('podsReachedBy', () => {
  const { index, key } = cluster();
  const live = [key('Pod', 'web-a')];

  it.each([
    ['ConfigMap', 'conf'],
    ['Secret', 'token'],
    ['PersistentVolumeClaim', 'data'],
    ['PersistentVolume', 'pv-1'],
    ['Service', 'web'],
    ['Ingress', 'web'],
    ['NetworkPolicy', 'deny'],
    ['Deployment', 'web'],
    ['ReplicaSet', 'web-1'],
    ['HorizontalPodAutoscaler', 'web'],
  ])('a change to %s %s reaches the live pods behind it, not the deleted one', (kind, name) => {
    expect(podsReachedBy(index, key(kind, name))).toEqual(live);
  });

  it('a Node reaches every live pod running on it; a Pod reaches itself', () => {
    expect(podsReachedBy(index, key('Node', 'node-1')).sort()).toEqual([key('Pod', 'other'), key('Pod', 'web-a')].sort());
    expect(podsReachedBy(index, key('Pod', 'other'))).toEqual([key('Pod', 'other')]);
  });

  it('ownership counts only pods (the ReplicaSet in between is not one), and unknown kinds reach nothing', () => {
    expect(podsReachedBy(index, key('Deployment', 'web'))).not.toContain(key('ReplicaSet', 'web-1'));
    expect(podsReachedBy(index, 'c/Namespace/_/shop')).toEqual([]);
    expect(reachPath('toString')).toBeUndefined();
  });

  it('every workload kind reaches pods by ownership', () => {
    for (const kind of WORKLOAD_KINDS) expect(PODS_REACHED[kind]).toEqual([{ type: 'OWNS', direction: 'out', transitive: true }]);
  });
});

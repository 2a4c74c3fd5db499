import { describe, expect, it } from 'vitest';
import { entityKey, insightWith, type EntityRef, type TopologyChange, type TopologyEdge } from '@tapio/domain';
import { MemoryGraphStore } from '@tapio/embedded';
import { blastRadius } from './blast-radius.js';

const AT = '2026-03-02T10:00:00Z';
const ref = (kind: string, name: string): EntityRef => ({ cluster: 'c', kind, name, namespace: 'shop' });
const edge = (type: TopologyEdge['type'], from: EntityRef, to: EntityRef): TopologyEdge => ({ type, from: entityKey(from), to: entityKey(to) });
const upsert = (node: EntityRef, edges: TopologyEdge[] = [], replace: Extract<TopologyChange, { op: 'upsert' }>['replace'] = []): TopologyChange => ({
  op: 'upsert',
  node: { key: entityKey(node), ref: node, deleted: false, updatedAt: AT },
  replace,
  edges,
});

/** ConfigMap web-config mounted by `pods` pods of Deployment web (through ReplicaSet web-1), selected by Service web, routed from Ingress web. */
async function cluster(pods: number) {
  const graph = new MemoryGraphStore();
  await graph.start();
  const cm = ref('ConfigMap', 'web-config');
  const deployment = ref('Deployment', 'web');
  const replicaSet = ref('ReplicaSet', 'web-1');
  const service = ref('Service', 'web');
  const ingress = ref('Ingress', 'web');
  const podRefs = Array.from({ length: pods }, (_, index) => ref('Pod', `web-1-${index}`));
  await graph.write({ topology: [
    upsert(cm),
    upsert(deployment),
    upsert(replicaSet, [edge('OWNS', deployment, replicaSet)], [{ type: 'OWNS', direction: 'in' }]),
    ...podRefs.map((pod) => upsert(pod, [edge('OWNS', replicaSet, pod), edge('MOUNTS', pod, cm)], [{ type: 'OWNS', direction: 'in' }, { type: 'MOUNTS', direction: 'out' }])),
    upsert(service, podRefs.map((pod) => edge('SELECTS', service, pod)), [{ type: 'SELECTS', direction: 'out' }]),
    upsert(ingress, [edge('ROUTES_TO', ingress, service)], [{ type: 'ROUTES_TO', direction: 'out' }]),
  ] });
  const insight = insightWith({
    id: 'ins-1',
    title: 'config-cascade: ConfigMap shop/web-config',
    pattern: 'config-cascade',
    rootCause: { entity: cm, what: 'edited' },
    symptoms: [podRefs[0] as EntityRef],
    affected: podRefs,
    createdAt: AT,
  });
  return { graph, insight, keys: { cm: entityKey(cm), deployment: entityKey(deployment), service: entityKey(service), ingress: entityKey(ingress) } };
}

describe('blastRadius', () => {
  it('links root -> workload -> pods -> Service -> Ingress', async () => {
    const { graph, insight, keys } = await cluster(3);
    const radius = await blastRadius(graph, insight);
    expect(radius.nodes.map((node) => `${node.role}:${node.entity.kind}/${node.entity.name}`).sort()).toEqual([
      'ingress:Ingress/web',
      'pod:Pod/web-1-0',
      'pod:Pod/web-1-1',
      'pod:Pod/web-1-2',
      'root:ConfigMap/web-config',
      'service:Service/web',
      'workload:Deployment/web',
    ]);
    expect(radius.edges).toContainEqual({ from: keys.cm, to: keys.deployment, relation: 'used by' });
    expect(radius.edges.filter((item) => item.from === keys.deployment && item.relation === 'owns')).toHaveLength(3);
    expect(radius.edges.filter((item) => item.to === keys.service && item.relation === 'selected by')).toHaveLength(3);
    expect(radius.edges).toContainEqual({ from: keys.service, to: keys.ingress, relation: 'routed from' });
    expect(radius.nodes.filter((node) => node.symptom).map((node) => node.entity.name)).toEqual(['web-1-0']);
    expect(radius.morePods).toBe(0);
  });

  it('draws at most 24 pods and counts the rest', async () => {
    const { graph, insight } = await cluster(30);
    const radius = await blastRadius(graph, insight);
    expect(radius.nodes.filter((node) => node.role === 'pod')).toHaveLength(24);
    expect(radius.morePods).toBe(6);
  });

  it('lists the other incidents on the same root as folded', async () => {
    const { graph, insight } = await cluster(2);
    const later = { ...insight, id: 'ins-2', firstSeen: '2026-03-02T12:00:00Z', lastSeen: '2026-03-02T12:00:00Z', createdAt: '2026-03-02T12:00:00Z' };
    await graph.write({ insights: [insight, later], predictions: [] });
    const radius = await blastRadius(graph, insight);
    expect(radius.folded.map((other) => other.id)).toEqual(['ins-2']);
  });
});

import { describe, expect, it } from 'vitest';
import { entityKey, type K8sObjectFacts } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { indexAll } from '../../test/support/units.js';
import { SharedLookups } from '../engine/shared-lookups.js';
import { affectedEntities, blastRadius, mountedByCount } from './blast-radius.js';

function shop() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  const config = cluster.configMap('shop', 'checkout-config');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 3, configMaps: ['checkout-config'], nodes: ['node-1', 'node-2'] });
  cluster.service(checkout, 'shop-ingress');
  return { cluster, config, checkout };
}

describe('blastRadius', () => {
  it('finds the symptoms\u2019 owners, Services, Ingresses and nodes, leaving the root out', () => {
    const { cluster, checkout } = shop();
    const { state } = indexAll(cluster.events);
    const pods = checkout.pods.slice(0, 2).map((pod) => entityKey(pod));
    const radius = blastRadius(state, pods, entityKey(checkout.ref));
    expect(radius.pods).toEqual(pods);
    expect([...radius.owners]).toEqual([entityKey(checkout.replicaSet!)]);
    expect([...radius.services]).toEqual([entityKey(cluster.ref('Service', 'checkout', 'shop'))]);
    expect([...radius.ingresses]).toEqual([entityKey(cluster.ref('Ingress', 'shop-ingress', 'shop'))]);
    expect([...radius.nodes]).toEqual(['node-1', 'node-2']);
  });

  it('a Node symptom counts as its node; a non-pod symptom is not a pod', () => {
    const { cluster, checkout } = shop();
    const { state } = indexAll(cluster.events);
    const radius = blastRadius(state, [entityKey(cluster.ref('Node', 'node-2')), entityKey(checkout.ref)], 'none');
    expect(radius.pods).toEqual([]);
    expect([...radius.nodes]).toEqual(['node-2']);
  });

  it('through the engine\u2019s shared lookups, the same radius as the state\u2019s after a symptom moved node and lost its owner', () => {
    const { cluster, checkout } = shop();
    const { state } = indexAll(cluster.events);
    const lookups = new SharedLookups(state);
    const pods = checkout.pods.map((pod) => entityKey(pod));
    const same = () => expect(blastRadius(lookups, pods, 'none')).toEqual(blastRadius(state, pods, 'none'));
    same();
    const facts = cluster.events.find((event) => event.kubernetes?.object?.kind === 'Pod')?.kubernetes?.object as K8sObjectFacts;
    const moved = pods.find((key) => key.endsWith(`/${facts.name}`));
    expect(moved).toBeDefined();
    // Kept answers would still say node-1 and the old owners: the radius must read them again.
    state.add(cluster.object('resource_updated', { ...facts, nodeName: 'node-2' }, 'pod moved', 'MODIFIED'));
    same();
    state.add(cluster.object('resource_updated', { ...facts, nodeName: 'node-2', ownerReferences: [] }, 'orphaned', 'MODIFIED'));
    same();
    expect([...blastRadius(lookups, [moved as string], 'none').owners]).toEqual([]);
  });

  it('lists every affected entity once, nodes in the root\u2019s cluster', () => {
    const { cluster, config, checkout } = shop();
    const { state } = indexAll(cluster.events);
    const pod = entityKey(checkout.pods[0]!);
    const rootRef = cluster.ref('ConfigMap', config.name, 'shop');
    const affected = affectedEntities(state, blastRadius(state, [pod], entityKey(config)), rootRef);
    expect(affected.map((ref) => `${ref.kind}/${ref.name}`)).toEqual([
      `Pod/${checkout.pods[0]!.name}`,
      `ReplicaSet/${checkout.replicaSet!.name}`,
      'Deployment/checkout',
      'Service/checkout',
      'Ingress/shop-ingress',
      'Node/node-1',
    ]);
    expect(affected.every((ref) => ref.uid === undefined && ref.cluster === 'test')).toBe(true);
  });
});

describe('mountedByCount', () => {
  it('counts the live pods using a ConfigMap; retired pods and other kinds of root count nothing', () => {
    const { cluster, config, checkout } = shop();
    cluster.retire(checkout.pods[2]!);
    const { state } = indexAll(cluster.events);
    expect(mountedByCount(state, entityKey(config), config)).toBe(2);
    expect(mountedByCount(state, entityKey(checkout.ref), checkout.ref)).toBe(0);
  });
});

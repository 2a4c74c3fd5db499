import { entityKey, type UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { WorkingState } from '../state/working-state.js';

function run(events: readonly UnifiedEvent[]) {
  const state = new WorkingState();
  const changes = events.flatMap((event) => state.add(event)?.changes ?? []);
  return { state, changes };
}

describe('Ingress backends as dependency evidence', () => {
  it('an Ingress depends on its backend Service, with the evidence, written as DEPENDS_ON', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const cart = cluster.workload('shop', 'cart', { replicas: 1, nodes: ['node-1'] });
    cluster.service(cart, 'storefront');
    const { state, changes } = run(cluster.events);
    const ingress = entityKey(cluster.ref('Ingress', 'storefront', 'shop'));
    const service = entityKey(cluster.ref('Service', 'cart', 'shop'));
    expect(state.dependsOn(ingress).map((edge) => [edge.to, edge.evidence])).toEqual([[service, ['routes to Service shop/cart (an Ingress backend)']]]);
    const written = changes.find((change) => change.op === 'upsert' && change.node.key === ingress && change.edges.some((edge) => edge.type === 'DEPENDS_ON'));
    expect(written?.op === 'upsert' && written.edges).toEqual([{ type: 'DEPENDS_ON', from: ingress, to: service, evidence: 'routes to Service shop/cart (an Ingress backend)' }]);
    expect(state.neighbours(ingress, 'DEPENDS_ON', 'out')).toEqual([service]);
  });

  it('a backend the Ingress no longer names is no longer a dependency; a deleted Ingress has none', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const cart = cluster.workload('shop', 'cart', { replicas: 1, nodes: ['node-1'] });
    const web = cluster.workload('shop', 'web', { replicas: 1, nodes: ['node-1'] });
    cluster.service(cart, 'storefront');
    cluster.service(web);
    const facts = { kind: 'Ingress', name: 'storefront', namespace: 'shop', uid: 'ing-1', creationTimestamp: cluster.now };
    cluster.object('resource_updated', { ...facts, services: ['web'] }, 'Ingress shop/storefront changed', 'MODIFIED');
    const ingress = entityKey(cluster.ref('Ingress', 'storefront', 'shop'));
    const moved = run(cluster.events).state;
    expect(moved.dependsOn(ingress).map((edge) => edge.to)).toEqual([entityKey(cluster.ref('Service', 'web', 'shop'))]);
    cluster.object('resource_deleted', facts, 'Ingress shop/storefront deleted', 'DELETED');
    expect(run(cluster.events).state.dependsOn(ingress)).toEqual([]);
  });
});

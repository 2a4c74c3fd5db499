import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { DependencyCorrelator } from './dependency-correlator.js';

function shop() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1', 'node-2');
  const cart = fixture.workload('shop', 'cart', { replicas: 2, nodes: ['node-1', 'node-2'] });
  const service = fixture.service(cart, 'storefront');
  const ingress = fixture.ref('Ingress', 'storefront', 'shop');
  fixture.advance(60);
  return { fixture, cart, service, ingress };
}

const trouble = (problem: string, target = 'shop/cart') => ({
  annotations: { 'ingress.problem': problem, 'ingress.route': 'shop.example.com/cart', 'ingress.host': 'shop.example.com', 'ingress.path': '/cart', [problem === 'tls-secret-missing' ? 'ingress.secret' : 'ingress.service']: target },
});

describe('DependencyCorrelator on an Ingress whose users fail', () => {
  const correlator = new DependencyCorrelator();

  it('was CAUSED by its backend Service losing its last ready endpoint, which a workload scaled to 0 TRIGGERED', () => {
    const { fixture, cart, service, ingress } = shop();
    const mark = fixture.events.length;
    fixture.scale(cart, 0);
    const scaled = fixture.since(mark)[0]!;
    for (const pod of cart.pods) fixture.retire(pod);
    fixture.advance(2);
    const outage = fixture.signal('service_unavailable', service);
    const failing = fixture.signal('ingress_backend_unavailable', ingress, trouble('no-ready-endpoint'));
    const edges = edgesFor(correlator, fixture.events, failing);
    expect(fromTo(edges)).toEqual([`CAUSED ${outage.id} -> ${failing.id}`]);
    expect(edges[0]?.reason).toBe('users entering through shop.example.com/cart reach Service shop/cart, which lost its last ready endpoint 0s earlier');
    expect(fromTo(edgesFor(correlator, fixture.events, outage))).toEqual([`TRIGGERED ${scaled.id} -> ${outage.id}`]);
  });

  it('a Service scaled down but not to 0 is not what emptied it', () => {
    const { fixture, cart, service } = shop();
    fixture.scale(cart, 1);
    fixture.advance(2);
    const outage = fixture.signal('service_unavailable', service);
    expect(edgesFor(correlator, fixture.events, outage)).toEqual([]);
  });

  it('a route naming a missing Service was CAUSED by the later of the Ingress edit and the Service deletion', () => {
    const { fixture, ingress, service } = shop();
    const edit = fixture.signal('resource_updated', ingress, { message: 'Ingress shop/storefront routes changed: spec.route.shop.example.com/cart cart:80 -> carts:80' });
    const typo = fixture.signal('ingress_backend_unavailable', ingress, trouble('service-missing', 'shop/carts'));
    expect(fromTo(edgesFor(correlator, fixture.events, typo))).toEqual([`CAUSED ${edit.id} -> ${typo.id}`]);
    fixture.advance(120);
    const deleted = fixture.signal('resource_deleted', service, { message: 'Service shop/cart deleted' });
    const gone = fixture.signal('ingress_backend_unavailable', ingress, trouble('service-missing'));
    const edges = edgesFor(correlator, fixture.events, gone);
    expect(fromTo(edges)).toEqual([`CAUSED ${deleted.id} -> ${gone.id}`]);
    expect(edges[0]?.reason).toBe('Service shop/cart deleted (0s earlier); the Ingress routes shop.example.com/cart to it');
  });
});

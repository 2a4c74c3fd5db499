import { describe, expect, it } from 'vitest';
import type { RawEvent, UnifiedEvent } from '@tapio/domain';
import { KubeApiTransformer } from './kubeapi-transformer.js';
import { context, watch } from './kubeapi-transformer.test-support.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString().replace('.000Z', 'Z');

const service = (name: string, rv: string, ports: Array<{ port: number; name?: string }> = [{ port: 80, name: 'http' }]) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop', uid: `svc-${name}`, resourceVersion: rv },
  spec: { selector: { app: name }, ports: ports.map((port) => ({ ...port, targetPort: 8080 })) },
});
const endpoints = (name: string, rv: string, ready: string[]) => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name, namespace: 'shop', uid: `ep-${name}`, resourceVersion: rv },
  subsets: ready.length ? [{ addresses: ready.map((ip) => ({ ip })), ports: [{ port: 8080 }] }] : [],
});
const secret = (name: string, rv: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'shop', uid: `secret-${name}`, resourceVersion: rv } });
const ingress = (rv: string, backend: { name: string; port: { number?: number; name?: string } } = { name: 'cart', port: { number: 80 } }, tls?: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'storefront', namespace: 'shop', uid: 'ing-1', resourceVersion: rv },
  spec: {
    ...(tls ? { tls: [{ hosts: ['shop.example.com'], secretName: tls }] } : {}),
    rules: [
      {
        host: 'shop.example.com',
        http: {
          paths: [
            { path: '/cart', pathType: 'Prefix', backend: { service: backend } },
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } },
          ],
        },
      },
    ],
  },
});

/** A transformer fed in order, numbering RawEvents like lines of a recording. */
function feed() {
  const transformer = new KubeApiTransformer();
  let line = 0;
  const send = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Record<string, unknown>, second: number): UnifiedEvent[] => transformer.transform(watch(type, object, at(second)), context((line += 1)));
  return { transformer, send };
}
const ingressSignals = (events: UnifiedEvent[]) => events.filter((event) => event.type.startsWith('ingress_backend_'));
const describeSignal = (event: UnifiedEvent) => `${event.type} ${event.entity?.kind}/${event.entity?.namespace}/${event.entity?.name}`;

/** Services cart and web with a ready endpoint each, then the Ingress routing to them. */
function healthyShop(options: { tls?: string; secrets?: boolean } = {}) {
  const shop = feed();
  shop.send('ADDED', service('cart', '1'), 0);
  shop.send('ADDED', service('web', '2'), 0);
  shop.send('ADDED', endpoints('cart', '3', ['10.0.0.1']), 0);
  shop.send('ADDED', endpoints('web', '4', ['10.0.0.2']), 0);
  if (options.secrets) shop.send('ADDED', secret('unrelated', '5'), 0);
  expect(ingressSignals(shop.send('ADDED', ingress('10', undefined, options.tls), 60))).toEqual([]);
  return shop;
}

describe('Ingress failure signal', () => {
  it('says ingress_backend_unavailable on the Ingress, naming host and path, when its backend Service loses its last ready endpoint; restored when one is back', () => {
    const { send } = healthyShop();
    const gone = send('MODIFIED', endpoints('cart', '11', []), 120);
    expect(gone.map(describeSignal)).toEqual(['endpoints_changed Endpoints/shop/cart', 'service_unavailable Service/shop/cart', 'ingress_backend_unavailable Ingress/shop/storefront']);
    const signal = ingressSignals(gone)[0] as UnifiedEvent;
    expect(signal.message).toBe('Ingress shop/storefront: users entering through shop.example.com/cart reach Service shop/cart, which has no ready endpoint');
    expect(signal.severity).toBe('high');
    expect(signal.annotations).toMatchObject({ 'ingress.host': 'shop.example.com', 'ingress.path': '/cart', 'ingress.problem': 'no-ready-endpoint', 'cause.kind': 'Service', 'cause.name': 'cart' });
    // The Service web the other route reaches is fine: nothing more to say about the Ingress.
    expect(ingressSignals(send('MODIFIED', endpoints('web', '12', ['10.0.0.2', '10.0.0.3']), 130))).toEqual([]);
    const back = ingressSignals(send('MODIFIED', endpoints('cart', '13', ['10.0.0.4']), 180));
    expect(back.map(describeSignal)).toEqual(['ingress_backend_restored Ingress/shop/storefront']);
    expect(back[0]?.severity).toBe('info');
  });

  it('says so when the Ingress is edited to a Service that does not exist or a port the Service does not have, and clears it when edited to a valid backend', () => {
    const { send } = healthyShop();
    const typo = ingressSignals(send('MODIFIED', ingress('20', { name: 'carts', port: { number: 80 } }), 120));
    expect(typo.map((event) => event.message)).toEqual(['Ingress shop/storefront: users entering through shop.example.com/cart are routed to Service shop/carts, which does not exist']);
    expect(typo[0]?.entity).toMatchObject({ kind: 'Ingress', name: 'storefront', uid: 'ing-1' });
    const port = ingressSignals(send('MODIFIED', ingress('21', { name: 'cart', port: { number: 8080 } }), 150));
    expect(port.map((event) => event.message)).toEqual(['Ingress shop/storefront: users entering through shop.example.com/cart are routed to port 8080 of Service shop/cart, which has no such port (it has 80, http)']);
    const fixed = ingressSignals(send('MODIFIED', ingress('22', { name: 'cart', port: { name: 'http' } }), 180));
    expect(fixed.map(describeSignal)).toEqual(['ingress_backend_restored Ingress/shop/storefront']);
  });

  it('reports the Ingress edit itself as a change of its routes', () => {
    const { send } = healthyShop();
    const edit = send('MODIFIED', ingress('20', { name: 'carts', port: { number: 80 } }), 120).find((event) => event.type === 'resource_updated');
    expect(edit?.message).toBe('Ingress shop/storefront routes changed: spec.route.shop.example.com/cart cart:80 -> carts:80');
  });

  it('says so when a Service an Ingress routes to is deleted, and when it is back', () => {
    const { send } = healthyShop();
    const deleted = ingressSignals(send('DELETED', service('cart', '30'), 120));
    expect(deleted.map((event) => event.message)).toEqual(['Ingress shop/storefront: users entering through shop.example.com/cart are routed to Service shop/cart, which does not exist']);
    expect(ingressSignals(send('ADDED', service('cart', '31'), 150)).map(describeSignal)).toEqual(['ingress_backend_restored Ingress/shop/storefront']);
  });

  it('claims a TLS Secret missing only when Secrets are watched, and clears a broken Ingress when it is deleted', () => {
    // No Secret ever seen (metadata of Secrets not watched): nothing is claimed.
    expect(ingressSignals(healthyShop().send('MODIFIED', ingress('20', undefined, 'shop-tls'), 120))).toEqual([]);
    const { send } = healthyShop({ secrets: true });
    const missing = ingressSignals(send('MODIFIED', ingress('20', undefined, 'shop-tls'), 120));
    expect(missing.map((event) => `${event.severity} ${event.message}`)).toEqual(['medium Ingress shop/storefront: users entering over HTTPS need TLS Secret shop/shop-tls, which does not exist']);
    expect(ingressSignals(send('DELETED', ingress('21', undefined, 'shop-tls'), 150)).map((event) => `${describeSignal(event)}: ${event.message}`)).toEqual([
      'ingress_backend_restored Ingress/shop/storefront: Ingress shop/storefront works again: the Ingress was deleted',
    ]);
  });

  it('leaves a TLS Secret that was missing when the Ingress was first seen as it stood, and claims it once seen and then deleted', () => {
    // The Ingress serves from before the recording with a Secret the recording does not hold: nothing changed.
    const { send } = healthyShop({ tls: 'shop-tls', secrets: true });
    expect(ingressSignals(send('MODIFIED', endpoints('web', '12', ['10.0.0.2', '10.0.0.3']), 120))).toEqual([]);
    expect(ingressSignals(send('MODIFIED', ingress('13', undefined, 'shop-tls'), 130))).toEqual([]);
    // Seen now, it exists; deleted, users entering over HTTPS lose it.
    expect(ingressSignals(send('ADDED', secret('shop-tls', '14'), 140))).toEqual([]);
    const deleted = ingressSignals(send('DELETED', secret('shop-tls', '15'), 150));
    expect(deleted.map((event) => event.message)).toEqual(['Ingress shop/storefront: users entering over HTTPS need TLS Secret shop/shop-tls, which does not exist']);
  });

  it('says nothing during the initial list: a Service not seen yet is missing only once the Services have been listed', () => {
    const { send } = feed();
    // The Ingress informer lists first, then the Services arrive, the one it names last.
    expect(ingressSignals(send('ADDED', ingress('1'), 0))).toEqual([]);
    expect(ingressSignals(send('ADDED', service('web', '2'), 1))).toEqual([]);
    expect(ingressSignals(send('ADDED', service('cart', '3'), 5))).toEqual([]);
    expect(ingressSignals(send('ADDED', endpoints('cart', '4', ['10.0.0.1']), 40))).toEqual([]);
    // An Ingress naming a Service that never came: said at the first event once the list settled.
    const other = feed();
    expect(ingressSignals(other.send('ADDED', ingress('1', { name: 'gone', port: { number: 80 } }), 0))).toEqual([]);
    expect(ingressSignals(other.send('ADDED', service('web', '2'), 1))).toEqual([]);
    expect(ingressSignals(other.send('ADDED', service('cart', '3'), 10))).toEqual([]);
    const late = ingressSignals(other.send('ADDED', endpoints('cart', '4', ['10.0.0.1']), 31));
    expect(late.map((event) => event.message)).toEqual(['Ingress shop/storefront: users entering through shop.example.com/cart are routed to Service shop/gone, which does not exist']);
  });

  it('keeps its route index through a restart (durable state) and says a redelivered RawEvent again with the same id', () => {
    const first = new KubeApiTransformer();
    first.durableState.restore([]);
    const raws: RawEvent[] = [
      watch('ADDED', service('cart', '1'), at(0)),
      watch('ADDED', service('web', '2'), at(0)),
      watch('ADDED', endpoints('cart', '3', ['10.0.0.1']), at(0)),
      watch('ADDED', ingress('10'), at(60)),
    ];
    raws.forEach((raw, index) => first.transform(raw, context(index + 1)));
    const stored = new Map<string, unknown>();
    for (const [key, value] of first.durableState.changes()) if (value !== undefined) stored.set(key, JSON.parse(JSON.stringify(value)));
    expect([...stored.keys()].filter((key) => key.startsWith('i|')).sort()).toEqual(['i|g|prod-west|shop|storefront', 'i|k|prod-west|Service', 'i|v|prod-west|shop|cart', 'i|v|prod-west|shop|web']);

    const second = new KubeApiTransformer();
    second.durableState.restore([...stored]);
    const emptied = watch('MODIFIED', endpoints('cart', '11', []), at(120));
    const said = ingressSignals(second.transform(emptied, context(5)));
    expect(said.map(describeSignal)).toEqual(['ingress_backend_unavailable Ingress/shop/storefront']);
    // The same RawEvent again (a redelivery): the same event, with the same id.
    expect(ingressSignals(second.transform(emptied, context(5)))).toEqual(said);
    for (const [key, value] of second.durableState.changes()) if (value === undefined) stored.delete(key); else stored.set(key, JSON.parse(JSON.stringify(value)));
    const third = new KubeApiTransformer();
    third.durableState.restore([...stored]);
    expect(ingressSignals(third.transform(emptied, context(5)))).toEqual(said);
    expect(ingressSignals(third.transform(watch('MODIFIED', endpoints('cart', '12', ['10.0.0.9']), at(150)), context(6))).map(describeSignal)).toEqual(['ingress_backend_restored Ingress/shop/storefront']);
  });
});

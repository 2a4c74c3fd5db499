import { entityKey } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { AddressBook } from './address-book.js';

const known = new Set([entityKey({ kind: 'Service', name: 'es-data', namespace: 'logging', cluster: 'c' }), entityKey({ kind: 'Service', name: 'cache', namespace: 'shop', cluster: 'c' })]);
const exists = (key: string) => known.has(key);

describe('AddressBook.serviceNamed', () => {
  it('resolves a Service by its short, namespaced and cluster-domain names', () => {
    const book = new AddressBook();
    const cache = entityKey({ kind: 'Service', name: 'cache', namespace: 'shop', cluster: 'c' });
    expect(book.serviceNamed('cache', 'shop', 'c', exists)).toBe(cache);
    expect(book.serviceNamed('cache.shop', 'billing', 'c', exists)).toBe(cache);
    expect(book.serviceNamed('cache.shop.svc.cluster.local', 'billing', 'c', exists)).toBe(cache);
    expect(book.serviceNamed('cache.billing.svc', 'billing', 'c', exists)).toBeUndefined();
  });

  it('resolves a pod name under a headless Service to that Service (a StatefulSet member’s peers)', () => {
    const book = new AddressBook();
    expect(book.serviceNamed('es-data-0.es-data.logging.svc.cluster.local', 'logging', 'c', exists)).toBe(entityKey({ kind: 'Service', name: 'es-data', namespace: 'logging', cluster: 'c' }));
    expect(book.serviceNamed('es-data-0.es-data.logging.svc', undefined, 'c', exists)).toBe(entityKey({ kind: 'Service', name: 'es-data', namespace: 'logging', cluster: 'c' }));
    // Outside the cluster: a dotted external name is no Service.
    expect(book.serviceNamed('api.stripe.com', 'logging', 'c', exists)).toBeUndefined();
  });
});

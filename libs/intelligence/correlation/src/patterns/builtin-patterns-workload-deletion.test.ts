import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { rootIs, shop, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

describe('workload-deleted-service-empty', () => {
  it('the Deployment behind a Service deleted while the Service stays: the deletion is the answer', () => {
    const { cluster, cart } = shop();
    cluster.deleteWorkload(cart);
    cluster.signal('service_unavailable', cluster.ref('Service', 'cart', 'shop'), { message: 'Service shop/cart has no ready endpoints (was 2)' });
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('workload-deleted-service-empty');
    expect(rootIs(insights[0], cart.ref), summary(insights)).toBe(true);
    // The Service's own incident is folded into it, not told apart.
    expect(loud(insights).length, summary(insights)).toBe(1);
  });

  it('near miss: the app decommissioned whole (its Service deleted seconds later)', () => {
    const { cluster, cart } = shop();
    cluster.deleteWorkload(cart);
    cluster.signal('service_unavailable', cluster.ref('Service', 'cart', 'shop'), { message: 'Service shop/cart has no ready endpoints (was 2)' });
    cluster.advance(3);
    cluster.object('resource_deleted', { kind: 'Service', name: 'cart', namespace: 'shop', serviceSelector: { app: 'cart' } }, 'Service shop/cart deleted', 'DELETED');
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('near miss: deleted and applied again (a replace), endpoints back within the minute', () => {
    const { cluster, cart } = shop();
    cluster.deleteWorkload(cart);
    cluster.signal('service_unavailable', cluster.ref('Service', 'cart', 'shop'), { message: 'Service shop/cart has no ready endpoints (was 2)' });
    cluster.advance(40);
    cluster.signal('service_restored', cluster.ref('Service', 'cart', 'shop'), { message: 'Service shop/cart has 1 ready endpoint again' });
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'workload-deleted-service-empty'), summary(insights)).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('another workload of the namespace deleted is not the cause of an emptied Service it does not select', () => {
    const { cluster, checkout, cart } = shop();
    cluster.deleteWorkload(checkout);
    cluster.advance(5);
    cluster.signal('service_unavailable', cluster.ref('Service', 'cart', 'shop'), { message: 'Service shop/cart has no ready endpoints (was 2)' });
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'workload-deleted-service-empty'), summary(insights)).toEqual([]);
    expect(insights.some((insight) => rootIs(insight, cart.ref) || rootIs(insight, cluster.ref('Service', 'cart', 'shop'))), summary(insights)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { TemporalCorrelator } from './temporal-correlator.js';

function cluster() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1', 'node-2');
  const config = fixture.configMap('shop', 'checkout-config');
  const checkout = fixture.workload('shop', 'checkout', { replicas: 2, configMaps: ['checkout-config'], nodes: ['node-1'] });
  const cart = fixture.workload('shop', 'cart', { replicas: 1, nodes: ['node-2'] });
  fixture.advance(60);
  return { fixture, config, checkout, cart };
}

describe('TemporalCorrelator', () => {
  it('a failure is CORRELATED_WITH recent failures and changes on related entities, nearest first', () => {
    const { fixture, config, checkout } = cluster();
    const change = fixture.editConfig(config);
    fixture.advance(30);
    const sibling = fixture.restart(checkout.pods[0] as EntityRef, 1);
    fixture.advance(30);
    const crash = fixture.restart(checkout.pods[1] as EntityRef, 1);
    const edges = edgesFor(new TemporalCorrelator(), fixture.events, crash);
    expect(fromTo(edges)).toEqual([`CORRELATED_WITH ${sibling.id} -> ${crash.id}`, `CORRELATED_WITH ${change.id} -> ${crash.id}`]);
  });

  it('no edge to an unrelated workload on another node, to routine events, or outside the window', () => {
    const { fixture, checkout, cart } = cluster();
    fixture.restart(checkout.pods[0] as EntityRef, 1);
    fixture.signal('pod_ready', cart.pods[0] as EntityRef);
    fixture.advance(20);
    const crash = fixture.restart(cart.pods[0] as EntityRef, 1);
    fixture.advance(10 * 60);
    const later = fixture.restart(cart.pods[0] as EntityRef, 2);
    expect(edgesFor(new TemporalCorrelator(), fixture.events, crash)).toEqual([]);
    expect(edgesFor(new TemporalCorrelator(), fixture.events, later)).toEqual([]);
  });

  it('links at most maxLinks events', () => {
    const { fixture, checkout } = cluster();
    for (let restart = 1; restart <= 5; restart += 1) {
      fixture.restart(checkout.pods[0] as EntityRef, restart);
      fixture.advance(10);
    }
    const crash = fixture.restart(checkout.pods[1] as EntityRef, 1);
    expect(edgesFor(new TemporalCorrelator({ maxLinks: 2 }), fixture.events, crash)).toHaveLength(2);
  });
});

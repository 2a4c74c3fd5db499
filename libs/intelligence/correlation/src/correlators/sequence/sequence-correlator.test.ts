import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { SequenceCorrelator } from './sequence-correlator.js';

function cluster() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1');
  const config = fixture.configMap('shop', 'checkout-config');
  const checkout = fixture.workload('shop', 'checkout', { replicas: 1, configMaps: ['checkout-config'], nodes: ['node-1'] });
  const cart = fixture.workload('shop', 'cart', { replicas: 1, nodes: ['node-1'] });
  fixture.advance(60);
  return { fixture, config, checkout, cart };
}

describe('SequenceCorrelator', () => {
  const correlator = new SequenceCorrelator();

  it('a ConfigMap change TRIGGERED (and PRECEDED, with the delay) the rollout of a workload that uses it', () => {
    const { fixture, config, checkout } = cluster();
    const change = fixture.editConfig(config);
    fixture.advance(148);
    const mark = fixture.events.length;
    fixture.rollout(checkout);
    const rollout = fixture.since(mark).find((event) => event.type === 'workload_spec_changed')!;
    const edges = edgesFor(correlator, fixture.events, rollout);
    expect(fromTo(edges)).toEqual([`TRIGGERED ${change.id} -> ${rollout.id}`, `PRECEDED ${change.id} -> ${rollout.id}`]);
    expect(edges[1]?.delayMs).toBe(148_000);
  });

  it('a release of its own (a new image, resources or probes) was not triggered by a ConfigMap edit just before it', () => {
    for (const path of ['spec.containers[checkout].image', 'spec.containers[checkout].resources.limits.memory', 'spec.containers[checkout].livenessProbe']) {
      const { fixture, config, checkout } = cluster();
      fixture.editConfig(config);
      fixture.advance(20);
      const mark = fixture.events.length;
      fixture.rollout(checkout, `${path} changed`, undefined, [path]);
      const rollout = fixture.since(mark).find((event) => event.type === 'workload_spec_changed')!;
      expect(fromTo(edgesFor(correlator, fixture.events, rollout)), path).toEqual([]);
    }
  });

  it('the rollout of a workload that does not use the ConfigMap is not linked to its change', () => {
    const { fixture, config, cart } = cluster();
    fixture.editConfig(config);
    fixture.advance(30);
    const mark = fixture.events.length;
    fixture.rollout(cart);
    const rollout = fixture.since(mark).find((event) => event.type === 'workload_spec_changed')!;
    expect(edgesFor(correlator, fixture.events, rollout)).toEqual([]);
  });

  it('a failure is PRECEDED by the latest change of its owners and dependencies, with the delay', () => {
    const { fixture, config, checkout } = cluster();
    const change = fixture.editConfig(config);
    fixture.advance(60);
    const mark = fixture.events.length;
    const [fresh] = fixture.rollout(checkout);
    const rollout = fixture.since(mark).find((event) => event.type === 'workload_spec_changed')!;
    fixture.advance(30);
    const crash = fixture.crashLoop(fresh as EntityRef, 1);
    const edges = edgesFor(correlator, fixture.events, crash);
    expect(fromTo(edges).sort()).toEqual([`PRECEDED ${change.id} -> ${crash.id}`, `PRECEDED ${rollout.id} -> ${crash.id}`].sort());
    expect(edges.find((edge) => edge.fromEventId === rollout.id)?.delayMs).toBe(30_000);
  });

  it('a routine scale is not a change that precedes anything', () => {
    const { fixture, cart } = cluster();
    const [fresh] = fixture.scale(cart, 2);
    fixture.advance(30);
    const crash = fixture.restart(fresh as EntityRef, 1);
    expect(edgesFor(correlator, fixture.events, crash)).toEqual([]);
  });

  it('a rollout carries a ConfigMap edit made long before (90 minutes), unless an earlier rollout already carried it', () => {
    const { fixture, config, checkout } = cluster();
    const change = fixture.editConfig(config);
    fixture.advance(90 * 60);
    let mark = fixture.events.length;
    fixture.rollout(checkout);
    const first = fixture.since(mark).find((event) => event.type === 'workload_spec_changed')!;
    fixture.advance(30 * 60);
    mark = fixture.events.length;
    fixture.rollout(checkout);
    const second = fixture.since(mark).find((event) => event.type === 'workload_spec_changed')!;
    expect(fromTo(edgesFor(correlator, fixture.events, first)).filter((edge) => edge.startsWith('TRIGGERED'))).toEqual([`TRIGGERED ${change.id} -> ${first.id}`]);
    expect(edgesFor(correlator, fixture.events, second)).toEqual([]);
  });
});

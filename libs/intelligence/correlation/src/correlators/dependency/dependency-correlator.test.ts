import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { DependencyCorrelator } from './dependency-correlator.js';

function cluster() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1', 'node-2');
  const config = fixture.configMap('shop', 'checkout-config');
  const other = fixture.configMap('shop', 'cart-config');
  const checkout = fixture.workload('shop', 'checkout', { replicas: 2, configMaps: ['checkout-config'], nodes: ['node-1', 'node-2'] });
  fixture.service(checkout);
  fixture.advance(60);
  return { fixture, config, other, checkout };
}

describe('DependencyCorrelator', () => {
  const correlator = new DependencyCorrelator();

  it('a failure of a pod using a ConfigMap changed shortly before was CAUSED by the change', () => {
    const { fixture, config, checkout } = cluster();
    const change = fixture.editConfig(config);
    fixture.advance(90);
    const crash = fixture.restart(checkout.pods[0] as EntityRef, 1);
    const edges = edgesFor(correlator, fixture.events, crash);
    expect(fromTo(edges)).toEqual([`CAUSED ${change.id} -> ${crash.id}`]);
    expect(edges[0]?.reason).toContain('ConfigMap checkout-config');
  });

  it('no edge from a ConfigMap the pod does not use, nor from a change older than the window', () => {
    const { fixture, config, other, checkout } = cluster();
    fixture.editConfig(config);
    fixture.advance(2 * 3600);
    fixture.editConfig(other);
    fixture.advance(30);
    const crash = fixture.restart(checkout.pods[0] as EntityRef, 1);
    expect(edgesFor(correlator, fixture.events, crash)).toEqual([]);
  });

  it('no edge when the pod was already failing before the change', () => {
    const { fixture, config, checkout } = cluster();
    const pod = checkout.pods[0] as EntityRef;
    fixture.restart(pod, 1);
    fixture.advance(60);
    fixture.editConfig(config);
    fixture.advance(60);
    const crash = fixture.restart(pod, 2);
    expect(edgesFor(correlator, fixture.events, crash)).toEqual([]);
  });

  it('node trouble CAUSED a pod on that node to go NotReady, but not its OOM kill, and not pods elsewhere', () => {
    const { fixture, checkout } = cluster();
    const notReady = fixture.nodeCondition('node-1', 'node_not_ready', 'Ready', 'Unknown');
    fixture.advance(30);
    const victim = fixture.signal('pod_not_ready', checkout.pods[0] as EntityRef);
    const elsewhere = fixture.signal('pod_not_ready', checkout.pods[1] as EntityRef);
    const oom = fixture.oomKill(checkout.pods[0] as EntityRef, 1);
    expect(fromTo(edgesFor(correlator, fixture.events, victim))).toEqual([`CAUSED ${notReady.id} -> ${victim.id}`]);
    expect(edgesFor(correlator, fixture.events, elsewhere)).toEqual([]);
    expect(edgesFor(correlator, fixture.events, oom)).toEqual([]);
  });

  it('a Service losing its endpoints was TRIGGERED by the failures of the pods it selects', () => {
    const { fixture, checkout } = cluster();
    const first = fixture.crashLoop(checkout.pods[0] as EntityRef, 1);
    fixture.advance(5);
    const second = fixture.crashLoop(checkout.pods[1] as EntityRef, 1);
    fixture.advance(5);
    const outage = fixture.signal('service_unavailable', fixture.ref('Service', 'checkout', 'shop'));
    expect(fromTo(edgesFor(correlator, fixture.events, outage)).sort()).toEqual([`TRIGGERED ${first.id} -> ${outage.id}`, `TRIGGERED ${second.id} -> ${outage.id}`].sort());
  });

  it('pod failures the Service was whole after, or that the pod recovered from, did not empty it: the scale to 0 or the selector edit did', () => {
    // A real recording's starting state: the Service is listed with its ready endpoints and, at
    // the same instant, an old FailedMount of one of its pods (retried and long mounted since).
    const fixture = new ClusterFixture();
    fixture.nodes('node-1');
    const cart = fixture.workload('shop', 'cart', { replicas: 2, nodes: ['node-1'] });
    const service = fixture.service(cart);
    fixture.signal('volume_mount_failed', cart.pods[0] as EntityRef);
    fixture.advance(20);
    const mark = fixture.events.length;
    fixture.scale(cart, 0);
    const scaled = fixture.since(mark).find((event) => event.type === 'workload_scaled')!;
    const outage = fixture.signal('service_unavailable', service);
    expect(fromTo(edgesFor(correlator, fixture.events, outage))).toEqual([`TRIGGERED ${scaled.id} -> ${outage.id}`]);

    // A crash the pod recovered from (it became ready again) before the selector typo.
    const { fixture: other, checkout } = cluster();
    const pod = checkout.pods[0] as EntityRef;
    other.crashLoop(pod, 1);
    other.advance(30);
    other.signal('pod_ready', pod);
    other.advance(60);
    const typo = other.signal('service_changed', other.ref('Service', 'checkout', 'shop'), { kubernetes: { changes: [{ path: 'spec.selector.app', op: 'changed', before: 'checkout', after: 'checkuot' }] } });
    const emptied = other.signal('service_unavailable', other.ref('Service', 'checkout', 'shop'));
    expect(fromTo(edgesFor(correlator, other.events, emptied))).toEqual([`TRIGGERED ${typo.id} -> ${emptied.id}`]);
  });

  it('an endpoint count going up is not service impact', () => {
    const { fixture, checkout } = cluster();
    fixture.crashLoop(checkout.pods[0] as EntityRef, 1);
    const up = fixture.signal('endpoints_changed', fixture.ref('Endpoints', 'checkout', 'shop'), { kubernetes: { changes: [{ path: 'readyEndpoints', op: 'changed', before: '1', after: '2' }] } });
    expect(edgesFor(correlator, fixture.events, up)).toEqual([]);
  });

  it('a Service losing its endpoints with no failing pod was TRIGGERED by its selector change, or by a rollout changing a label it selects on', () => {
    const { fixture, checkout } = cluster();
    const service = fixture.ref('Service', 'checkout', 'shop');
    const selectorEdit = fixture.signal('service_changed', service, { kubernetes: { changes: [{ path: 'spec.selector.app', op: 'changed', before: 'checkout', after: 'checkuot' }] } });
    const unrelated = fixture.signal('workload_spec_changed', checkout.ref, { kubernetes: { changes: [{ path: 'spec.template.labels.team', op: 'changed' }] } });
    const relabel = fixture.signal('workload_spec_changed', checkout.ref, { kubernetes: { changes: [{ path: 'spec.template.labels.app', op: 'changed' }] } });
    fixture.advance(30);
    for (const pod of checkout.pods) fixture.retire(pod);
    const outage = fixture.signal('service_unavailable', service);
    expect(fromTo(edgesFor(correlator, fixture.events, outage)).sort()).toEqual([`TRIGGERED ${relabel.id} -> ${outage.id}`, `TRIGGERED ${selectorEdit.id} -> ${outage.id}`].sort());
    expect(fromTo(edgesFor(correlator, fixture.events, outage))).not.toContain(`TRIGGERED ${unrelated.id} -> ${outage.id}`);
  });

  it('a Service emptied by a Recreate rollout of the workload behind it was TRIGGERED by that rollout', () => {
    const { fixture, checkout } = cluster();
    const old = [...checkout.pods];
    const mark = fixture.events.length;
    fixture.rollout(checkout);
    const rollout = fixture.since(mark).find((event) => event.type === 'workload_spec_changed')!;
    for (const pod of old) fixture.retire(pod);
    const outage = fixture.signal('service_unavailable', fixture.ref('Service', 'checkout', 'shop'));
    expect(fromTo(edgesFor(correlator, fixture.events, outage))).toEqual([`TRIGGERED ${rollout.id} -> ${outage.id}`]);
  });
});

import { describe, expect, it } from 'vitest';
import type { EntityRef, UnifiedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { DependencyCorrelator } from './dependency-correlator.js';

function checkout() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1');
  const web = fixture.workload('checkout', 'web', { replicas: 2, nodes: ['node-1'] });
  const service = fixture.service(web);
  fixture.advance(60);
  return { fixture, web, service };
}
const taint = (fixture: ClusterFixture, effect: 'NoExecute' | 'NoSchedule') =>
  fixture.object('node_spec_changed', { kind: 'Node', name: 'node-1', uid: 'node-node-1' }, `Node node-1 changed: spec.taints.maintenance:${effect} added: now`, 'MODIFIED', [{ path: `spec.taints.maintenance:${effect}`, op: 'added', after: 'now' }]);
const disrupted = (fixture: ClusterFixture, pod: EntityRef, reason: string) =>
  fixture.signal('pod_disrupted', pod, { message: `Pod ${pod.namespace}/${pod.name} is being taken down: ${reason}`, kubernetes: { reason }, labels: { app: 'web' } });

describe('DependencyCorrelator: pods the taint manager deletes', () => {
  const correlator = new DependencyCorrelator();

  it('a deletion by the taint manager was CAUSED by the NoExecute taint the node just got; the emptied Service was TRIGGERED by it', () => {
    const { fixture, web, service } = checkout();
    const tainted = taint(fixture, 'NoExecute');
    fixture.advance(1);
    const [first, last] = web.pods.map((pod) => disrupted(fixture, pod, 'DeletionByTaintManager')) as [UnifiedEvent, UnifiedEvent];
    const empty = fixture.signal('service_unavailable', service, { message: 'Service checkout/web has no ready endpoints (was 2)' });
    expect(fromTo(edgesFor(correlator, fixture.events, first))).toEqual([`CAUSED ${tainted.id} -> ${first.id}`]);
    expect(fromTo(edgesFor(correlator, fixture.events, empty))).toEqual([`TRIGGERED ${last.id} -> ${empty.id}`]);
  });

  it('not a drain (the eviction API), not a NoSchedule taint, not pods another Service selects', () => {
    const { fixture, web, service } = checkout();
    taint(fixture, 'NoSchedule');
    fixture.advance(1);
    const [pod] = web.pods as [EntityRef];
    expect(edgesFor(correlator, fixture.events, disrupted(fixture, pod, 'DeletionByTaintManager'))).toEqual([]);
    taint(fixture, 'NoExecute');
    expect(edgesFor(correlator, fixture.events, disrupted(fixture, pod, 'EvictionByEvictionAPI'))).toEqual([]);
    const other = fixture.signal('pod_disrupted', pod, { message: 'taken down', kubernetes: { reason: 'DeletionByTaintManager' }, labels: { app: 'cart' } });
    fixture.advance(1);
    const empty = fixture.signal('service_unavailable', service, { message: 'Service checkout/web has no ready endpoints (was 2)' });
    expect(fromTo(edgesFor(correlator, fixture.events, empty)).filter((edge) => edge.includes(other.id))).toEqual([]);
  });
});

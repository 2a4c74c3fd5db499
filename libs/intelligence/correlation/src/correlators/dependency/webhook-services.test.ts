import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { DependencyCorrelator } from './dependency-correlator.js';

function policyEngine() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1');
  const engine = fixture.workload('policy', 'policy-gate', { replicas: 1, nodes: ['node-1'] });
  const service = fixture.service(engine);
  const shop = fixture.workload('shop', 'checkout', { replicas: 2, nodes: ['node-1'] });
  fixture.advance(60);
  return { fixture, engine, service, replicaSet: shop.replicaSet as EntityRef };
}
const refused = (fixture: ClusterFixture, replicaSet: EntityRef, service = 'policy/policy-gate') =>
  fixture.signal('replica_create_failed', replicaSet, { message: 'FailedCreate: Error creating: Internal error occurred: failed calling webhook "gate.policy.example.com": ...', annotations: { 'cause.kind': 'Service', 'cause.name': 'policy-gate', 'cause.namespace': 'policy', 'webhook.service': service } });
const unavailable = (fixture: ClusterFixture, service: EntityRef) => fixture.signal('service_unavailable', service, { message: 'Service policy/policy-gate has no ready endpoints (was 1)' });

describe('DependencyCorrelator: pods a webhook refuses', () => {
  const correlator = new DependencyCorrelator();

  it("a refusal whose webhook call failed was CAUSED by the webhook's Service losing its endpoints", () => {
    const { fixture, service, replicaSet } = policyEngine();
    const lost = unavailable(fixture, service);
    fixture.advance(20);
    const refusal = refused(fixture, replicaSet);
    expect(fromTo(edgesFor(correlator, fixture.events, refusal))).toEqual([`CAUSED ${lost.id} -> ${refusal.id}`]);
  });

  it('not when the Service got its endpoints back since, lost them over 30 minutes before, or is another Service', () => {
    const { fixture, service, replicaSet } = policyEngine();
    unavailable(fixture, service);
    fixture.advance(10);
    fixture.signal('service_restored', service, { message: 'Service policy/policy-gate has ready endpoints again (1)' });
    fixture.advance(10);
    expect(edgesFor(correlator, fixture.events, refused(fixture, replicaSet))).toEqual([]);
    unavailable(fixture, service);
    fixture.advance(31 * 60);
    expect(edgesFor(correlator, fixture.events, refused(fixture, replicaSet))).toEqual([]);
    unavailable(fixture, service);
    fixture.advance(5);
    expect(edgesFor(correlator, fixture.events, refused(fixture, replicaSet, 'policy/other-gate'))).toEqual([]);
  });
});

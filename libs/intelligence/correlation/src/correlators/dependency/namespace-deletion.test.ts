import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { DependencyCorrelator } from './dependency-correlator.js';

function pricing() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1');
  fixture.object('resource_created', { kind: 'Namespace', name: 'pricing-svc', uid: 'ns-1', phase: 'Active' }, 'Namespace pricing-svc exists');
  const app = fixture.workload('pricing-svc', 'pricing', { replicas: 1, nodes: ['node-1'] });
  fixture.service(app);
  fixture.advance(60);
  return fixture;
}
const unavailable = (fixture: ClusterFixture, planned: boolean) =>
  fixture.signal('service_unavailable', fixture.ref('Service', 'pricing', 'pricing-svc'), {
    message: 'Service pricing-svc/pricing has no ready endpoints (was 1)',
    ...(planned ? { annotations: { lifecycle: 'planned', 'lifecycle.reason': 'namespace pricing-svc deleted' } } : {}),
  });

describe('DependencyCorrelator: a namespace deleted', () => {
  const correlator = new DependencyCorrelator();

  it('a Service emptied while its namespace is being deleted was TRIGGERED by the deletion', () => {
    const fixture = pricing();
    const terminating = fixture.object('resource_updated', { kind: 'Namespace', name: 'pricing-svc', uid: 'ns-1', phase: 'Terminating' }, 'Namespace pricing-svc updated: phase Active -> Terminating', 'MODIFIED');
    fixture.advance(5);
    const empty = unavailable(fixture, true);
    const edges = edgesFor(correlator, fixture.events, empty);
    expect(fromTo(edges)).toEqual([`TRIGGERED ${terminating.id} -> ${empty.id}`]);
    expect(edges[0]?.reason).toContain('namespace pricing-svc is being deleted');
  });

  it('not when the outage is not the planned one (the namespace is Active)', () => {
    const fixture = pricing();
    fixture.object('resource_updated', { kind: 'Namespace', name: 'pricing-svc', uid: 'ns-1', phase: 'Active', labels: { team: 'pricing' } }, 'Namespace pricing-svc updated', 'MODIFIED');
    fixture.advance(5);
    const empty = unavailable(fixture, false);
    expect(fromTo(edgesFor(correlator, fixture.events, empty)).filter((edge) => edge.startsWith('TRIGGERED') && edge.includes('ns-1'))).toEqual([]);
    expect(edgesFor(correlator, fixture.events, empty).some((edge) => edge.reason.includes('namespace'))).toBe(false);
  });

  it('an object deleted while its namespace is terminating was deleted with it (TRIGGERED); one deleted in an Active namespace was not', () => {
    const fixture = pricing();
    const terminating = fixture.object('resource_updated', { kind: 'Namespace', name: 'pricing-svc', uid: 'ns-1', phase: 'Terminating' }, 'Namespace pricing-svc updated: phase Active -> Terminating', 'MODIFIED');
    fixture.advance(1);
    const gone = fixture.object('resource_deleted', { kind: 'Service', name: 'pricing', namespace: 'pricing-svc', uid: 'svc-1' }, 'Service pricing-svc/pricing deleted', 'DELETED');
    expect(fromTo(edgesFor(correlator, fixture.events, gone))).toEqual([`TRIGGERED ${terminating.id} -> ${gone.id}`]);
    const active = pricing();
    const alone = active.object('resource_deleted', { kind: 'Service', name: 'pricing', namespace: 'pricing-svc', uid: 'svc-1' }, 'Service pricing-svc/pricing deleted', 'DELETED');
    expect(edgesFor(correlator, active.events, alone)).toEqual([]);
  });
});

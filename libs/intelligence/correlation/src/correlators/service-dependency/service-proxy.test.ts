import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { analyze, loud, summary } from '../../../test/support/engine.js';

/**
 * A node agent (`agent`, a DaemonSet on both nodes) released and crash-looping; seven minutes
 * on, the database behind Service db is released (its pods come back ready); the api's
 * readiness probes, which call db by name, then time out and the api Service empties.
 */
function agentBrokenThenCalleeReleased(agent: string) {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  const proxy = cluster.workload('kube-system', agent, { replicas: 2, kind: 'DaemonSet', nodes: ['node-1', 'node-2'] });
  const db = cluster.workload('inventory', 'db', { replicas: 2, kind: 'StatefulSet', nodes: ['node-2'] });
  cluster.service(db);
  const api = cluster.workload('inventory', 'api', { replicas: 2, calls: ['db.inventory.svc.cluster.local'], nodes: ['node-1'] });
  cluster.service(api);
  cluster.advance(600);
  const broken = cluster.rollout(proxy, `spec.containers[${agent}].command changed`, 2, [`spec.template.spec.containers[${agent}].command`]);
  for (let restarts = 1; restarts <= 3; restarts += 1) {
    cluster.advance(40);
    for (const pod of broken) cluster.crashLoop(pod, restarts);
  }
  cluster.advance(300);
  const fresh = cluster.rollout(db, 'spec.containers[db].image cockroach:v23.1 -> cockroach:v23.2', 2, ['spec.template.spec.containers[db].image']);
  for (const pod of fresh) {
    cluster.advance(10);
    cluster.signal('pod_ready', pod);
  }
  cluster.advance(20);
  for (let round = 0; round < 3; round += 1) {
    for (const pod of api.pods) cluster.signal('probe_failed', pod, { message: 'Unhealthy: Readiness probe failed: dependency check failed: Get "http://db.inventory.svc.cluster.local:80/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', kubernetes: { eventReason: 'Unhealthy', eventType: 'Warning', count: round + 1, reason: 'Unhealthy' } });
    cluster.advance(10);
  }
  for (const pod of api.pods) cluster.signal('pod_not_ready', pod);
  cluster.signal('service_unavailable', cluster.ref('Service', 'api', 'inventory'), { message: 'Service inventory/api has no ready endpoints (was 2)' });
  cluster.advance(150);
  return loud(analyze(cluster.events));
}

describe('callers that cannot reach a Service whose pods are up, from a node whose Service proxy fails', () => {
  it('blames the Service proxy (kube-proxy) failing on the callers’ node, not the callee’s release just before', () => {
    const insights = agentBrokenThenCalleeReleased('kube-proxy');
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'DaemonSet', name: 'kube-proxy' });
  });

  it('near miss: another node agent failing (a log shipper) routes nothing: the callee’s release stays the cause', () => {
    const insights = agentBrokenThenCalleeReleased('fluent-bit');
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'StatefulSet', name: 'db' });
  });
});

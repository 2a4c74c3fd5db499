import { describe, expect, it } from 'vitest';
import type { EntityRef, UnifiedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { analyze, loud, summary } from '../../../test/support/engine.js';

/** The IP the fixture gave a pod (its creation's facts). */
function ipOf(events: readonly UnifiedEvent[], pod: EntityRef): string {
  const created = events.find((event) => event.type === 'resource_created' && event.entity?.name === pod.name);
  return created?.kubernetes?.object?.podIP as string;
}

/**
 * A database behind Service db, released (a new image: its pods come back ready, nothing fails
 * on its side); a minute and a half on, the api's readiness probes, which query the database,
 * fail on both pods with `probe` (naming the api pod's own IP), and the api Service empties.
 */
function releaseThenCallersFail(probe: (ip: string) => string) {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  const db = cluster.workload('inventory', 'db', { replicas: 2, kind: 'StatefulSet' });
  cluster.service(db);
  const api = cluster.workload('inventory', 'api', { replicas: 2, calls: ['db.inventory.svc.cluster.local'] });
  cluster.service(api);
  cluster.advance(600);
  const fresh = cluster.rollout(db, 'spec.containers[db].image cockroach:v23.1 -> cockroach:v23.2', 2, ['spec.template.spec.containers[db].image']);
  for (const pod of fresh) {
    cluster.advance(20);
    cluster.signal('pod_ready', pod);
  }
  cluster.advance(90);
  for (let round = 0; round < 3; round += 1) {
    for (const pod of api.pods) cluster.signal('probe_failed', pod, { message: probe(ipOf(cluster.events, pod)), kubernetes: { eventReason: 'Unhealthy', eventType: 'Warning', count: round + 1, reason: 'Unhealthy' } });
    cluster.advance(10);
  }
  for (const pod of api.pods) cluster.signal('pod_not_ready', pod);
  cluster.signal('service_unavailable', cluster.ref('Service', 'api', 'inventory'), { message: 'Service inventory/api has no ready endpoints (was 2)' });
  cluster.advance(150);
  return analyze(cluster.events);
}

describe('a callee that keeps running but answers slowly', () => {
  it('callers whose probes time out just after the callee’s release: the callee’s release (the probe names only the caller itself)', () => {
    const insights = loud(releaseThenCallersFail((ip) => `Unhealthy: Readiness probe failed: Get "http://${ip}:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`));
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'StatefulSet', name: 'db' });
  });

  it('near miss: callers refusing on their own port (their own process down) are not the callee’s release', () => {
    const insights = loud(releaseThenCallersFail((ip) => `Unhealthy: Readiness probe failed: Get "http://${ip}:8080/ready": dial tcp ${ip}:8080: connect: connection refused`));
    expect(insights.some((insight) => insight.rootCause.entity.name === 'db'), summary(insights)).toBe(false);
  });
});

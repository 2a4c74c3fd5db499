import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { analyze, summary } from '../../../test/support/engine.js';

/** An api whose pod spec calls Service db (http://db.inventory/), beside the database, both a minute old. */
function apiAndDb() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const db = cluster.workload('inventory', 'db', { replicas: 1, nodes: ['node-1'] });
  cluster.service(db);
  const api = cluster.workload('inventory', 'api', { replicas: 2, nodes: ['node-1'], calls: ['db.inventory.svc.cluster.local'] });
  cluster.service(api);
  return { cluster, db, api };
}

/** The database's release breaks it; the api, which exits without it, crash-loops after it. */
function releaseBreaksDb(cluster: ClusterFixture, db: ReturnType<typeof apiAndDb>['db'], api: ReturnType<typeof apiAndDb>['api']) {
  const [fresh] = cluster.rollout(db, 'spec.containers[db].args added', 1, ['spec.containers[db].args']);
  cluster.signal('service_unavailable', cluster.ref('Service', 'db', 'inventory'), { message: 'Service inventory/db has no ready endpoints (was 1)' });
  cluster.advance(3);
  cluster.crashLoop(fresh as EntityRef, 1);
  for (const pod of api.pods) cluster.crashLoop(pod, 1);
  cluster.advance(40);
  for (const pod of api.pods) cluster.signal('pod_not_ready', pod);
  cluster.signal('service_unavailable', cluster.ref('Service', 'api', 'inventory'), { message: 'Service inventory/api has no ready endpoints (was 2)' });
  cluster.advance(150);
}

/** The api's readiness, which fetches `url`, fails on both pods; they go unready and the api Service empties; the insights 150 s on. */
function callersUnready(cluster: ClusterFixture, api: ReturnType<typeof apiAndDb>['api'], url: string) {
  const failed = `Unhealthy: Readiness probe failed: command timed out: "/bin/sh -c timeout 2 wget -q -O - ${url} >/dev/null" timed out after 1s`;
  for (const pod of api.pods) cluster.signal('probe_failed', pod, { message: failed, kubernetes: { eventReason: 'Unhealthy', eventType: 'Warning', count: 2, reason: 'Unhealthy' } });
  cluster.advance(3);
  for (const pod of api.pods) cluster.signal('pod_not_ready', pod);
  cluster.signal('service_unavailable', cluster.ref('Service', 'api', 'inventory'), { message: 'Service inventory/api has no ready endpoints (was 2)' });
  cluster.advance(150);
  return analyze(cluster.events);
}

describe('ServiceDependencyCorrelator', () => {
  it('callers that restarted once at start-up, then became ready, are broken by their callee later: one incident, the callee', () => {
    const { cluster, db, api } = apiAndDb();
    // Started before the database answered: each api pod exited once, then became ready.
    for (const pod of api.pods) cluster.restart(pod, 1);
    cluster.advance(1);
    for (const pod of api.pods) cluster.signal('pod_ready', pod);
    cluster.advance(20);
    releaseBreaksDb(cluster, db, api);
    const insights = analyze(cluster.events);
    const loud = insights.filter((insight) => ['medium', 'high', 'critical'].includes(insight.severity));
    expect(loud[0]?.rootCause.entity.name, summary(insights)).toBe('db');
    expect(loud.filter((insight) => insight.rootCause.entity.name === 'api'), summary(insights)).toEqual([]);
  });

  it('a caller already failing, never ready again, before its callee broke is not explained by it', () => {
    const { cluster, db, api } = apiAndDb();
    for (const pod of api.pods) cluster.restart(pod, 1);
    cluster.advance(20);
    releaseBreaksDb(cluster, db, api);
    const insights = analyze(cluster.events);
    const loud = insights.filter((insight) => ['medium', 'high', 'critical'].includes(insight.severity));
    expect(loud.some((insight) => insight.rootCause.entity.name === 'api' || insight.rootCause.entity.name.startsWith('api-')), summary(insights)).toBe(true);
  });

  it("a callee's port changed under its callers after its pods' start-up mount failure (history): the Service's change, not the start-up", () => {
    const { cluster, db, api } = apiAndDb();
    const service = cluster.ref('Service', 'db', 'inventory');
    // Listed at the start: the kubelet's first try to mount a volume failed, then the pod ran and became ready.
    for (const pod of db.pods) cluster.signal('volume_mount_failed', pod, { message: 'FailedMount: MountVolume.SetUp failed for volume "kube-api-access-x" : failed to sync configmap cache', annotations: { 'pod.running': 'true' } });
    cluster.advance(20);
    cluster.object('service_changed', { kind: 'Service', name: 'db', namespace: 'inventory', uid: 'svc-db', serviceSelector: { app: 'db' } }, 'Service inventory/db changed: spec.ports[8080] added, spec.ports[80] removed', 'MODIFIED', [{ path: 'spec.ports[80]', op: 'removed' }]);
    cluster.advance(3);
    const insights = callersUnready(cluster, api, 'http://db.inventory:80/');
    const loud = insights.filter((insight) => ['medium', 'high', 'critical'].includes(insight.severity));
    expect(loud[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: service.kind, name: 'db' });
  });

  it('a Service deleted while its callers call it by name: the deletion, not the callers (their pods run on, healthy behind it)', () => {
    const { cluster, api } = apiAndDb();
    cluster.advance(20);
    cluster.object('resource_deleted', { kind: 'Service', name: 'db', namespace: 'inventory', uid: 'svc-db', serviceSelector: { app: 'db' } }, 'Service inventory/db deleted', 'DELETED');
    cluster.advance(3);
    const insights = callersUnready(cluster, api, 'http://db.inventory.svc.cluster.local/');
    const loud = insights.filter((insight) => ['medium', 'high', 'critical'].includes(insight.severity));
    expect(loud[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'Service', name: 'db' });
  });
});

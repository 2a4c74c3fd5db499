import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { rootIs, shop } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, summary } from '../../test/support/engine.js';

describe('a quota refusal after a release that asked for more', () => {
  function releaseRefused(paths: string[]) {
    const { cluster, checkout } = shop();
    cluster.object('resource_created', { kind: 'ResourceQuota', name: 'compute', namespace: 'shop', uid: 'quota-1', creationTimestamp: '2026-01-01T00:00:00Z' }, 'ResourceQuota shop/compute exists');
    cluster.advance(600);
    cluster.rollout(checkout, 'containers[checkout].resources.requests.memory 1Gi -> 2Gi', 0, paths);
    const message = 'exceeded quota: compute, requested: requests.memory=2Gi, used: requests.memory=24064Mi, limited: requests.memory=24Gi';
    for (const wait of [1, 2, 4, 8, 16, 32, 64, 30]) {
      cluster.signal('replica_create_failed', checkout.replicaSet as EntityRef, { message: `FailedCreate: Error creating: pods "x" is forbidden: ${message}`, annotations: { 'cause.kind': 'ResourceQuota', 'cause.name': 'compute', 'cause.namespace': 'shop' } });
      cluster.advance(wait);
    }
    return { insights: analyze(cluster.events), checkout };
  }

  it('the release raised what the quota refused, the quota unchanged: the release’s', () => {
    const { insights, checkout } = releaseRefused(['spec.template.spec.containers[checkout].resources.requests.memory']);
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });

  it('near miss: a release that changed only its image meets a full quota: the quota’s', () => {
    const { insights } = releaseRefused(['spec.template.spec.containers[checkout].image']);
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'ResourceQuota', name: 'compute' });
  });
});

describe('pods a scale-down left lose their readiness', () => {
  function scaledDown(to: number, failing: boolean) {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1', 'node-2', 'node-3');
    const etcd = cluster.workload('platform', 'config-etcd', { replicas: 3, kind: 'StatefulSet' });
    cluster.service(etcd);
    cluster.advance(900);
    cluster.scale(etcd, to);
    for (const pod of etcd.pods.splice(to)) cluster.retire(pod);
    cluster.advance(6);
    if (failing) {
      for (let probe = 0; probe < 4; probe += 1) {
        for (const pod of etcd.pods) cluster.probeFailure(pod, 'Readiness');
        cluster.advance(10);
      }
      for (const pod of etcd.pods) cluster.signal('pod_not_ready', pod);
      cluster.signal('service_unavailable', cluster.ref('Service', 'config-etcd', 'platform'), { message: 'Service platform/config-etcd has no ready endpoints (was 1)' });
    }
    cluster.advance(120);
    return { insights: analyze(cluster.events), etcd };
  }

  it('a clustered store scaled 3 -> 1 whose survivor goes unready: the scale-down (its workload)', () => {
    const { insights, etcd } = scaledDown(1, true);
    expect(rootIs(insights[0], etcd.ref), summary(insights)).toBe(true);
    expect(insights[0]?.chain[0]?.type, summary(insights)).toBe('workload_scaled');
  });

  it('near miss: a scale-down whose pods stay ready is routine', () => {
    expect(scaledDown(2, false).insights.filter((insight) => insight.severity !== 'info' && insight.severity !== 'low')).toEqual([]);
  });
});

describe('disk pressure from images the kubelet cannot free', () => {
  function imagesFill(gcFailed: boolean) {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1', 'node-2');
    const web = cluster.workload('web', 'dashboard', { replicas: 2, nodes: ['node-1'] });
    cluster.advance(600);
    if (gcFailed) cluster.signal('disk_pressure', cluster.ref('Node', 'node-1'), { message: 'ImageGCFailed: Failed to garbage collect required amount of images. Attempted to free 1640130741 bytes, but only found 0 bytes eligible to free.' });
    cluster.advance(300);
    cluster.nodeCondition('node-1', 'disk_pressure', 'DiskPressure');
    for (const pod of web.pods) {
      const event = cluster.evict(pod, 'The node was low on resource: ephemeral-storage. Threshold quantity: 2146223309, available: 2087790Ki. Container dashboard was using 153827Ki, request is 0, has larger consumption of ephemeral-storage. ');
      event.annotations = { 'eviction.resource': 'ephemeral-storage', 'storage.usage_bytes': String(153_827 * 1024), 'storage.request_bytes': '0' };
      cluster.advance(20);
    }
    cluster.advance(60);
    return { insights: analyze(cluster.events), web };
  }

  it('no pod wrote as much as the image collection failed to free: the node (its images)', () => {
    const { insights } = imagesFill(true);
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'Node', name: 'node-1' });
  });

  it('near miss: without the failed image collection the biggest writer is named', () => {
    const { insights, web } = imagesFill(false);
    expect(rootIs(insights[0], web.ref), summary(insights)).toBe(true);
  });
});

describe('volume-full', () => {
  function fullDisk(full: boolean) {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const db = cluster.workload('listings', 'listings-db', { replicas: 1, kind: 'StatefulSet', claims: ['data-listings-db-0'] });
    cluster.advance(600);
    const pod = db.pods[0] as EntityRef;
    for (let restart = 1; restart <= 4; restart += 1) {
      const note = full ? '; it exited for a full disk (No space left on device)' : '';
      cluster.signal('pod_restart', pod, { message: `Container postgresql of pod listings/${pod.name} restarted (${restart} restarts, last exit: Error code 1)${note}`, kubernetes: { container: 'postgresql', restartCount: restart, restartDelta: 1, exitCode: 1 }, ...(full ? { annotations: { 'storage.full': 'true' } } : {}) });
      cluster.crashLoop(pod, restart);
      cluster.advance(20 * restart);
    }
    return { insights: analyze(cluster.events) };
  }

  it('a database that keeps exiting for a full disk: its claim', () => {
    const { insights } = fullDisk(true);
    expect(insights[0]?.pattern, summary(insights)).toBe('volume-full');
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'PersistentVolumeClaim', name: 'data-listings-db-0' });
  });

  it('near miss: the same crash loop without a full disk is not the volume’s', () => {
    const { insights } = fullDisk(false);
    expect(insights.some((insight) => insight.rootCause.entity.kind === 'PersistentVolumeClaim'), summary(insights)).toBe(false);
  });
});

describe('memory pressure from a node agent released without a bound', () => {
  function agentGrows(released: boolean) {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const agent = cluster.workload('observability', 'otel-agent', { replicas: 1, kind: 'DaemonSet', nodes: ['node-1'] });
    const recs = cluster.workload('recs', 'recs-api', { replicas: 2, nodes: ['node-1'] });
    cluster.advance(900);
    if (released) cluster.rollout(agent, 'spec.containers[otel-agent].resources.limits.memory 512Mi removed', 0, ['spec.template.spec.containers[otel-agent].resources.limits.memory']);
    cluster.advance(600);
    cluster.nodeCondition('node-1', 'memory_pressure', 'MemoryPressure');
    const evicted = cluster.evict(recs.pods[0] as EntityRef, 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 80024Ki. Container recs-api was using 2717696Ki, request is 1Gi, has larger consumption of memory. ');
    evicted.annotations = { 'eviction.resource': 'memory', 'memory.usage_bytes': String(2_717_696 * 1024), 'memory.request_bytes': String(2 ** 30) };
    cluster.advance(60);
    return { insights: analyze(cluster.events), agent, recs };
  }

  it('an agent DaemonSet released just before, its pods never evicted (node-critical): the agent, not the app the kubelet evicted', () => {
    const { insights, agent } = agentGrows(true);
    expect(rootIs(insights[0], agent.ref), summary(insights)).toBe(true);
  });

  it('near miss: without the agent’s release the evicted app’s own figure names it', () => {
    const { insights, recs } = agentGrows(false);
    expect(rootIs(insights[0], recs.ref), summary(insights)).toBe(true);
  });
});

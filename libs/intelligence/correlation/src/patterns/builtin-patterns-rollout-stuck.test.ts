import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import type { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { rootIs, shop, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

/** The kubelet's or scheduler's one Event about `pod`, repeated `count` times over `seconds`, as the transformer tells it. */
function repeated(cluster: ClusterFixture, type: 'pod_failed' | 'pod_unschedulable' | 'probe_failed', pod: EntityRef, message: string, count: number, seconds: number, annotations: Record<string, string> = {}) {
  return cluster.signal(type, pod, {
    message: `${message}${count > 1 ? ` (x${count})` : ''}`,
    kubernetes: { eventType: 'Warning', count },
    annotations: { ...annotations, ...(count > 1 ? { 'event.repeating_seconds': String(seconds) } : {}) },
  });
}

/** The Event repeating on `pod` as the folding emits it (counts doubling), every `gap` seconds of cluster time, up to `span` seconds. */
function keepsRepeating(cluster: ClusterFixture, type: 'pod_failed' | 'pod_unschedulable' | 'probe_failed', pod: EntityRef, message: string, span: number, gap = 15, annotations: Record<string, string> = {}) {
  for (let seconds = 0, count = 1; seconds <= span; seconds += gap, count *= 2) {
    repeated(cluster, type, pod, message, count, seconds, annotations);
    cluster.advance(gap);
  }
}

describe('rollout-pods-cannot-start', () => {
  it('a rollout whose new pod references a ConfigMap that does not exist is blamed on the rolled workload', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'containers[checkout].env.WAREHOUSE added', 1);
    keepsRepeating(cluster, 'pod_failed', fresh[0] as EntityRef, 'Failed: Error: configmap "checkout-settings" not found', 90);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-pods-cannot-start');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });

  it('a rollout whose new pod asks for more CPU than a node has', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'containers[checkout].resources.requests.cpu 100m -> 64', 1);
    keepsRepeating(cluster, 'pod_unschedulable', fresh[0] as EntityRef, 'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.', 120, 30);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-pods-cannot-start');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });

  it('a claim that does not exist: the scheduler says so once and waits; two minutes later it is an incident', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'spec.volumes added', 1);
    repeated(cluster, 'pod_unschedulable', fresh[0] as EntityRef, 'FailedScheduling: 0/3 nodes are available: persistentvolumeclaim "search-cache" not found.', 1, 0);
    cluster.advance(150);
    cluster.signal('pod_ready', checkout.pods[0] as EntityRef);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-pods-cannot-start');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });

  it('near miss: a surge pod that waits half a minute for room, then is scheduled', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'containers[checkout].image 2.14 -> 2.15', 1);
    repeated(cluster, 'pod_unschedulable', fresh[0] as EntityRef, 'FailedScheduling: 0/3 nodes are available: 3 Insufficient memory.', 1, 0);
    cluster.advance(30);
    cluster.signal('pod_scheduled', fresh[0] as EntityRef);
    cluster.advance(10);
    cluster.signal('pod_ready', fresh[0] as EntityRef);
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'rollout-pods-cannot-start')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('near miss: the ConfigMap applied seconds after the Deployment that reads it (the pod starts on a retry)', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'containers[checkout].envFrom added', 1);
    keepsRepeating(cluster, 'pod_failed', fresh[0] as EntityRef, 'Failed: Error: configmap "checkout-settings" not found', 20, 8);
    cluster.signal('pod_ready', fresh[0] as EntityRef);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'rollout-pods-cannot-start')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('near miss: new pods waiting only for a cordoned node (a drain, not the rollout)', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 1);
    keepsRepeating(cluster, 'pod_unschedulable', fresh[0] as EntityRef, 'FailedScheduling: 0/3 nodes are available: 3 node(s) were unschedulable.', 120, 30, { 'scheduling.blocked_by': 'cordon' });
    expect(withPattern(analyze(cluster.events), 'rollout-pods-cannot-start')).toEqual([]);
  });

  it('near miss: pods that cannot start without any rollout are not blamed on one', () => {
    const { cluster, checkout } = shop();
    keepsRepeating(cluster, 'pod_failed', checkout.pods[0] as EntityRef, 'Failed: Error: secret "checkout-tls" not found', 120);
    expect(withPattern(analyze(cluster.events), 'rollout-pods-cannot-start')).toEqual([]);
  });
});

describe('rollout-never-ready', () => {
  const notFound = 'Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 404';

  it('a rollout whose new pod fails its readiness probe for minutes is blamed on the rolled workload', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'containers[checkout].readinessProbe changed', 1);
    keepsRepeating(cluster, 'probe_failed', fresh[0] as EntityRef, notFound, 150, 20);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-never-ready');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });

  it('near miss: a slow start (readiness fails for 40 seconds, then the pod is ready)', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'containers[checkout].image 2.14 -> 2.15', 1);
    keepsRepeating(cluster, 'probe_failed', fresh[0] as EntityRef, 'Unhealthy: Readiness probe failed: Get "http://10.244.1.9:8080/ready": dial tcp 10.244.1.9:8080: connect: connection refused', 40, 10);
    cluster.signal('pod_ready', fresh[0] as EntityRef);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'rollout-never-ready')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('near miss: liveness failures after a rollout are the liveness patterns\u2019 (this one reads readiness only)', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'containers[checkout].livenessProbe changed', 1);
    keepsRepeating(cluster, 'probe_failed', fresh[0] as EntityRef, 'Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500', 150, 20);
    expect(withPattern(analyze(cluster.events), 'rollout-never-ready')).toEqual([]);
  });
});

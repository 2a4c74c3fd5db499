import { describe, expect, it } from 'vitest';
import { RawEvent, type UnifiedEvent } from '@tapio/domain';
import { KubeApiTransformer } from './kubeapi-transformer.js';

const at = (second: number) => new Date(Date.UTC(2026, 2, 2, 10, 0, second)).toISOString().replace('.000Z', 'Z');
function watch(type: 'ADDED' | 'MODIFIED', object: Record<string, unknown>, second = 0): RawEvent {
  return RawEvent.parse({ timestamp: at(second), type, source: 'kubeapi', metadata: { cluster: 'c1', collector: 'kubeapi' }, data: { type, object } });
}
function run(raws: RawEvent[], uncordonGraceMs?: number): UnifiedEvent[] {
  const transformer = new KubeApiTransformer(uncordonGraceMs !== undefined ? { uncordonGraceMs } : {});
  return raws.flatMap((raw, index) => transformer.transform(raw, { eventId: (_raw, discriminator) => `r${index}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster: 'c1' }));
}
function node(version: number, spec: Record<string, unknown>, ready: 'True' | 'Unknown'): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2', uid: 'n-2', resourceVersion: String(version) }, spec, status: { conditions: [{ type: 'Ready', status: ready }] } };
}
function nodeEvent(reason: string, second: number): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name: `node-2.${reason}`, namespace: 'default', uid: `ev-${reason}`, resourceVersion: String(100 + second) }, involvedObject: { kind: 'Node', name: 'node-2', uid: 'node-2' }, reason, message: `Node node-2 status is now: ${reason}`, type: 'Normal', count: 1, lastTimestamp: at(second), source: { component: 'node-controller' } };
}
function hpa(version: number, limited: boolean): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'shop', uid: 'h-1', resourceVersion: String(version) },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: version > 2 ? 4 : 10 },
    status: { currentReplicas: 4, desiredReplicas: 4, conditions: [{ type: 'ScalingLimited', status: limited ? 'True' : 'False', reason: limited ? 'TooManyReplicas' : 'DesiredWithinRange' }] },
  };
}

describe('kubeapi transformer: planned node lifecycle and autoscaler bounds', () => {
  it('a drained node going NotReady is planned: node_cordoned, then NotReady and its Events marked planned; uncordon says so', () => {
    const cordon = { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] };
    const events = run([watch('ADDED', node(1, {}, 'True')), watch('MODIFIED', node(2, cordon, 'True'), 1), watch('MODIFIED', node(3, cordon, 'Unknown'), 20), watch('ADDED', nodeEvent('NodeNotReady', 20), 20), watch('MODIFIED', node(4, {}, 'True'), 60)]);
    const types = events.filter((event) => !['resource_created', 'resource_updated', 'node_spec_changed'].includes(event.type)).map((event) => `${event.type}:${event.annotations?.['lifecycle'] ?? '-'}`);
    expect(types).toEqual(['node_cordoned:planned', 'node_not_ready:planned', 'node_not_ready:planned', 'node_uncordoned:planned', 'node_ready:-']);
  });

  it('a taint refusal after an uncordon is the cordon\'s within lifecycle.uncordonGrace (60 s by default), trouble after it', () => {
    const cordon = { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] };
    const refusal = (second: number) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `web-1.${second}`, namespace: 'shop', uid: `ev-fs-${second}`, resourceVersion: String(500 + second) },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'p-web-1' },
      reason: 'FailedScheduling',
      message: "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 node(s) didn't match pod anti-affinity rules.",
      type: 'Warning',
      count: 1,
      lastTimestamp: at(second),
      source: { component: 'default-scheduler' },
    });
    // Uncordoned at 60 s; the scheduler refuses for a taint 50 s and 90 s later.
    const raws = [watch('ADDED', node(1, {}, 'True')), watch('MODIFIED', node(2, cordon, 'True'), 1), watch('MODIFIED', node(3, {}, 'True'), 60), watch('ADDED', refusal(110), 110), watch('ADDED', refusal(150), 150)];
    const blocked = (events: UnifiedEvent[]) => events.filter((event) => event.type === 'pod_unschedulable').map((event) => event.annotations?.['scheduling.blocked_by'] ?? '-');
    expect(blocked(run(raws))).toEqual(['cordon', '-']);
    expect(blocked(run(raws, 120_000))).toEqual(['cordon', 'cordon']);
    expect(blocked(run(raws, 30_000))).toEqual(['-', '-']);
  });

  it('a NotReady node that nobody cordoned is not planned', () => {
    const events = run([watch('ADDED', node(1, {}, 'True')), watch('MODIFIED', node(2, {}, 'Unknown'), 20)]);
    expect(events.find((event) => event.type === 'node_not_ready')?.annotations?.['lifecycle']).toBeUndefined();
  });

  it('the autoscaler scale-down taint is planned maintenance too', () => {
    const taint = { taints: [{ key: 'ToBeDeletedByClusterAutoscaler', value: '1733200000', effect: 'NoSchedule' }] };
    const events = run([watch('ADDED', node(1, {}, 'True')), watch('MODIFIED', node(2, taint, 'True'), 1)]);
    expect(events.find((event) => event.type === 'node_cordoned')?.kubernetes?.reason).toBe('cluster-autoscaler scale-down');
  });

  it('an HPA change of its bounds is autoscaler_changed with the diff; reaching its maximum is hpa_at_max once', () => {
    const events = run([watch('ADDED', hpa(1, false)), watch('MODIFIED', hpa(3, false), 5), watch('MODIFIED', hpa(4, true), 30), watch('MODIFIED', hpa(5, true), 45)]);
    const change = events.find((event) => event.type === 'autoscaler_changed');
    expect(change?.kubernetes?.changes).toEqual([{ path: 'spec.maxReplicas', op: 'changed', before: '10', after: '4' }]);
    expect(events.filter((event) => event.type === 'hpa_at_max').map((event) => event.timestamp)).toEqual([at(30)]);
  });
});

import { describe, expect, it } from 'vitest';
import { RawEvent, type TransformContext, type UnifiedEvent } from '@tapio/domain';
import { KubeApiTransformer } from './kubeapi-transformer.js';

let line = 0;
const context = (): TransformContext => {
  line += 1;
  const at = line;
  return { eventId: (_raw, discriminator) => `line${at}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster: 'prod' };
};
const watch = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Record<string, unknown>): RawEvent =>
  RawEvent.parse({ timestamp: '2026-03-02T10:00:00Z', type, source: 'kubeapi', metadata: { cluster: 'prod', collector: 'kubeapi' }, data: { type, object } });
const summary = (events: UnifiedEvent[]) => events.map((event) => `${event.type} ${event.entity?.kind}/${event.entity?.name}`);

describe('EndpointSlices and Endpoints of one Service', () => {
  const endpoints = (rv: string, ready: number) => ({
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'inventory-api', namespace: 'shop', uid: 'ep', resourceVersion: rv },
    subsets: ready ? [{ addresses: Array.from({ length: ready }, (_, n) => ({ ip: `10.0.0.${n + 1}` })) }] : [],
  });
  const slice = (name: string, rv: string, ready: number, notReady = 0) => ({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name, namespace: 'shop', uid: name, resourceVersion: rv, labels: { 'kubernetes.io/service-name': 'inventory-api' } },
    endpoints: [...Array.from({ length: ready }, () => ({ conditions: { ready: true } })), ...Array.from({ length: notReady }, () => ({ conditions: { ready: false } }))],
  });

  it('signal about the Service named by the slice label, once for both sources', () => {
    const transformer = new KubeApiTransformer();
    const run = (type: 'ADDED' | 'MODIFIED', object: Record<string, unknown>) => summary(transformer.transform(watch(type, object), context()));
    run('ADDED', endpoints('1', 2));
    run('ADDED', slice('inventory-api-zkth6', '2', 2));
    // The slice controller sees the pods go first: one signal, about the Service, not the slice.
    expect(run('MODIFIED', slice('inventory-api-zkth6', '3', 0, 2))).toEqual(['endpoints_changed EndpointSlice/inventory-api-zkth6', 'service_unavailable Service/inventory-api']);
    expect(run('MODIFIED', endpoints('4', 0))).toEqual(['endpoints_changed Endpoints/inventory-api']);
    expect(run('MODIFIED', endpoints('5', 1))).toEqual(['endpoints_changed Endpoints/inventory-api', 'service_restored Service/inventory-api']);
    expect(run('MODIFIED', slice('inventory-api-zkth6', '6', 1, 1))).toEqual(['endpoints_changed EndpointSlice/inventory-api-zkth6']);
  });

  it('sums the slices of a Service: one slice emptying while another has ready endpoints is no outage', () => {
    const transformer = new KubeApiTransformer();
    const run = (type: 'ADDED' | 'MODIFIED', object: Record<string, unknown>) => summary(transformer.transform(watch(type, object), context())).filter((text) => text.startsWith('service_'));
    run('ADDED', slice('a', '1', 1));
    run('ADDED', slice('b', '2', 1));
    expect(run('MODIFIED', slice('a', '3', 0))).toEqual([]);
    expect(run('MODIFIED', slice('b', '4', 0))).toEqual(['service_unavailable Service/inventory-api']);
  });
});

describe('limits on workloads are configuration changes', () => {
  it('reports a quota, a limit range and a disruption budget change with its diff, and ignores quota usage', () => {
    const transformer = new KubeApiTransformer();
    const quota = (rv: string, pods: string, used: string) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'shop', uid: 'q', resourceVersion: rv }, spec: { hard: { pods } }, status: { hard: { pods }, used: { pods: used } } });
    transformer.transform(watch('ADDED', quota('1', '10', '3')), context());
    expect(transformer.transform(watch('MODIFIED', quota('2', '10', '4')), context())).toEqual([]);
    const lowered = transformer.transform(watch('MODIFIED', quota('3', '4', '4')), context());
    expect(lowered.map((event) => [event.type, event.message])).toEqual([['quota_changed', 'ResourceQuota shop/q changed: spec.hard.pods 10 -> 4']]);
    const limits = (rv: string, max: string) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'shop', uid: 'l', resourceVersion: rv }, spec: { limits: [{ type: 'Container', max: { memory: max } }] } });
    transformer.transform(watch('ADDED', limits('1', '1Gi')), context());
    expect(transformer.transform(watch('MODIFIED', limits('2', '256Mi')), context()).map((event) => event.type)).toEqual(['limits_changed']);
    const pdb = (rv: string, minAvailable: number) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'shop', uid: 'p', resourceVersion: rv }, spec: { minAvailable, selector: { matchLabels: { app: 'web' } } } });
    transformer.transform(watch('ADDED', pdb('1', 1)), context());
    const budget = transformer.transform(watch('MODIFIED', pdb('2', 3)), context());
    expect(budget.map((event) => event.type)).toEqual(['disruption_budget_changed']);
    expect(budget[0]?.kubernetes?.object?.selector).toEqual({ matchLabels: { app: 'web' } });
  });
});

describe('Leases', () => {
  const lease = (rv: string, renewTime: string, holder = 'node-a', namespace = 'kube-node-lease', name = 'node-a') => ({
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace, uid: `${namespace}/${name}`, resourceVersion: rv },
    spec: { holderIdentity: holder, leaseDurationSeconds: 40, renewTime },
  });

  it('fold renewals into nothing and report a missed node heartbeat on the Node, when renewing resumes', () => {
    const transformer = new KubeApiTransformer();
    expect(summary(transformer.transform(watch('ADDED', lease('1', '2026-03-02T10:00:00.000000Z')), context()))).toEqual(['resource_created Lease/node-a']);
    for (let n = 1; n <= 30; n += 1) {
      const at = new Date(Date.parse('2026-03-02T10:00:00Z') + n * 10_000).toISOString().replace('Z', '000Z');
      expect(transformer.transform(watch('MODIFIED', lease(String(n + 1), at)), context())).toEqual([]);
    }
    const late = transformer.transform(watch('MODIFIED', lease('40', '2026-03-02T10:06:00.000000Z')), context());
    expect(summary(late)).toEqual(['node_heartbeat_missed Node/node-a']);
    expect(late[0]?.message).toBe('Node node-a: its kubelet did not renew its heartbeat Lease for 60 s (lease duration 40 s); renewed again at 2026-03-02T10:06:00.000Z');
  });

  it('report a holder change (a leader failover)', () => {
    const transformer = new KubeApiTransformer();
    transformer.transform(watch('ADDED', lease('1', '2026-03-02T10:00:00Z', 'cm-1', 'kube-system', 'kube-controller-manager')), context());
    const failover = transformer.transform(watch('MODIFIED', lease('2', '2026-03-02T10:00:20Z', 'cm-2', 'kube-system', 'kube-controller-manager')), context());
    expect(failover.map((event) => [event.type, event.message])).toEqual([['lease_holder_changed', 'Lease kube-system/kube-controller-manager changed holder: cm-1 → cm-2']]);
  });
});

describe('VolumeAttachment facts', () => {
  it('name the volume, the node and whether it is attached, and a detach is a reported change', () => {
    const transformer = new KubeApiTransformer();
    const attachment = (rv: string, attached: boolean) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: { name: 'csi-1', uid: 'va', resourceVersion: rv }, spec: { attacher: 'csi.x', nodeName: 'node-a', source: { persistentVolumeName: 'pv-1' } }, status: { attached } });
    const [created] = transformer.transform(watch('ADDED', attachment('1', true)), context());
    expect(created?.kubernetes?.object).toMatchObject({ kind: 'VolumeAttachment', nodeName: 'node-a', volumeName: 'pv-1', ready: true });
    const detached = transformer.transform(watch('MODIFIED', attachment('2', false)), context());
    expect(detached.map((event) => [event.type, event.message])).toEqual([['resource_updated', 'VolumeAttachment csi-1 updated: ready true -> false']]);
  });
});

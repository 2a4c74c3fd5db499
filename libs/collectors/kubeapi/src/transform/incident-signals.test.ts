import { describe, expect, it } from 'vitest';
import { RawEvent, type UnifiedEvent } from '@tapio/domain';
import { KubeApiTransformer } from './kubeapi-transformer.js';

function watch(type: 'ADDED' | 'MODIFIED', object: Record<string, unknown>, timestamp = '2026-03-02T10:00:00Z'): RawEvent {
  return RawEvent.parse({ timestamp, type, source: 'kubeapi', metadata: { cluster: 'c1', collector: 'kubeapi' }, data: { type, object } });
}

function run(raws: RawEvent[]): UnifiedEvent[] {
  const transformer = new KubeApiTransformer();
  return raws.flatMap((raw, index) => transformer.transform(raw, { eventId: (_raw, discriminator) => `r${index}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster: 'c1' }));
}

function deployment(labels: Record<string, string>, generation: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'catalog', namespace: 'shop', uid: 'd-1', resourceVersion: String(generation), generation },
    spec: { replicas: 2, selector: { matchLabels: { app: 'catalog' } }, template: { metadata: { labels }, spec: { containers: [{ name: 'catalog', image: 'catalog:1' }] } } },
    status: {},
  };
}

function event(kind: string, name: string, reason: string, message: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.17`, namespace: kind === 'Node' ? 'default' : 'shop', uid: `ev-${kind}-${name}`, resourceVersion: '5' },
    involvedObject: { kind, name, ...(kind === 'Node' ? { uid: name } : { namespace: 'shop', uid: `uid-${name}` }) },
    reason,
    message,
    type: 'Warning',
    count: 1,
    source: { component: 'node-controller' },
  };
}

describe('kubeapi transformer: signals the correlation of incidents depends on', () => {
  it('a pod-template label change is a workload_spec_changed naming the label (it decides what Services select)', () => {
    const events = run([watch('ADDED', deployment({ app: 'catalog', 'app.kubernetes.io/name': 'catalog' }, 1)), watch('MODIFIED', deployment({ app: 'catalog', 'app.kubernetes.io/name': 'catalog-api' }, 2))]);
    const change = events.find((item) => item.type === 'workload_spec_changed');
    expect(change?.kubernetes?.changes).toEqual([{ path: 'spec.template.labels.app.kubernetes.io/name', op: 'changed', before: 'catalog', after: 'catalog-api' }]);
  });

  it("the node controller's NodeNotReady Event about a pod is that pod not being ready; about the Node, the node", () => {
    const [onPod] = run([watch('ADDED', event('Pod', 'catalog-abc12', 'NodeNotReady', 'Node is not ready'))]);
    const [onNode] = run([watch('ADDED', event('Node', 'node-2', 'NodeNotReady', 'Node node-2 status is now: NodeNotReady'))]);
    expect([onPod?.type, onPod?.entity?.kind]).toEqual(['pod_not_ready', 'Pod']);
    expect([onNode?.type, onNode?.entity?.kind]).toEqual(['node_not_ready', 'Node']);
  });

  it("a controller's SuccessfulCreate is replica_created on the ReplicaSet (what clears an earlier refusal), its FailedCreate replica_create_failed", () => {
    const [created] = run([watch('ADDED', event('ReplicaSet', 'catalog-7d9f', 'SuccessfulCreate', 'Created pod: catalog-7d9f-x2k4p'))]);
    const [refused] = run([watch('ADDED', event('ReplicaSet', 'catalog-7d9f', 'FailedCreate', 'Error creating: pods "catalog-7d9f-q8w2z" is forbidden: exceeded quota: compute'))]);
    expect([created?.type, created?.severity, created?.entity?.kind]).toEqual(['replica_created', 'info', 'ReplicaSet']);
    expect([refused?.type, refused?.entity?.kind]).toEqual(['replica_create_failed', 'ReplicaSet']);
  });

  it('a pod stopped because its deletion was asked (a scale-down) and ending Failed is not a failure; one that fails on its own is', () => {
    const pod = (version: number, phase: string, deleting: boolean, uid = 'p-1') => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `catalog-${uid}`, namespace: 'shop', uid, resourceVersion: String(version), ...(deleting ? { deletionTimestamp: '2026-03-02T10:00:05Z', deletionGracePeriodSeconds: 2 } : {}) },
      spec: { nodeName: 'node-1', containers: [{ name: 'catalog', image: 'catalog:1' }] },
      status: { phase, containerStatuses: [{ name: 'catalog', ready: phase === 'Running', restartCount: 0, image: 'catalog:1', state: phase === 'Running' ? { running: {} } : { terminated: { exitCode: 143, reason: 'Error' } } }] },
    });
    const stopped = run([watch('ADDED', pod(1, 'Running', false)), watch('MODIFIED', pod(2, 'Running', true)), watch('MODIFIED', pod(3, 'Failed', true))]);
    expect(stopped.map((event) => event.type)).not.toContain('pod_failed');
    const failed = run([watch('ADDED', pod(1, 'Running', false, 'p-2')), watch('MODIFIED', pod(2, 'Failed', false, 'p-2'))]);
    expect(failed.map((event) => event.type)).toContain('pod_failed');
  });
});

import type { RawEvent, TransformContext } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { workloadOf, WorkloadCache } from '../collector/container-labels.js';
import { CriTransformer } from './cri-transformer.js';

const context: TransformContext = { eventId: (raw, discriminator) => `${raw.type}#${discriminator}`, processedAt: '2026-01-01T00:00:00.000Z', cluster: 'c1' };
const pod = { containerId: 'abc123def4567890', kind: 'container', podName: 'cart-1', podNamespace: 'shop', podUid: 'u-1', containerName: 'app' };
const raw = (type: string, event: Record<string, unknown>, workload?: unknown): RawEvent => ({
  timestamp: '2026-01-01T00:00:00.000Z',
  type,
  source: 'cri',
  metadata: { node: 'n1' },
  data: { node: 'n1', namespace: 'k8s.io', topic: '/x', event, ...(workload ? { workload } : {}) },
});

describe('CriTransformer', () => {
  it('an exit of a pod container carries the code and names the container; code 0 stays routine', () => {
    const transformer = new CriTransformer();
    const [failed] = transformer.transform(raw('task_exit', { container_id: pod.containerId, exit_status: 137 }, pod), context);
    expect(failed).toMatchObject({ type: 'container_exited', severity: 'medium', entity: { kind: 'Pod', name: 'cart-1', namespace: 'shop', uid: 'u-1' }, kubernetes: { container: 'app', exitCode: 137 } });
    const [clean] = transformer.transform(raw('task_exit', { container_id: pod.containerId, exit_status: 0 }, pod), context);
    expect(clean?.severity).toBe('info');
  });

  it('a sandbox is the pod itself, and a container the CRI did not make is reported on the node', () => {
    const transformer = new CriTransformer();
    const [sandbox] = transformer.transform(raw('task_oom', { container_id: 'sb' }, { ...pod, containerId: 'sb', kind: 'sandbox', containerName: undefined }), context);
    expect(sandbox?.message).toBe('Sandbox of pod shop/cart-1 was OOM-killed (containerd) on node n1');
    expect(sandbox?.kubernetes).toEqual({ reason: 'OOMKilled' });
    const [plain] = transformer.transform(raw('task_start', { container_id: 'ffff0000ffff0000', pid: 7 }, { containerId: 'ffff0000ffff0000' }), context);
    expect(plain).toMatchObject({ type: 'container_started', entity: { kind: 'Node', name: 'n1' }, message: 'Container ffff0000ffff started (pid 7)' });
  });

  it('rejects what it cannot read, naming the problem', () => {
    const transformer = new CriTransformer();
    expect(() => transformer.transform(raw('snapshot_prepare', {}), context)).toThrow(/unknown raw type "snapshot_prepare"/);
    expect(() => transformer.transform({ ...raw('task_oom', {}), data: { node: 'n1' } }, context)).toThrow(/cri task_oom: data\.namespace/);
  });
});

describe('container labels', () => {
  it('reads the CRI labels, and the cache forgets the least recently used first', () => {
    expect(workloadOf({ id: 'c1', image: 'busybox', labels: { 'io.kubernetes.pod.name': 'p', 'io.kubernetes.pod.namespace': 'ns', 'io.kubernetes.container.name': 'app', 'io.cri-containerd.kind': 'container', other: 'x' } })).toEqual({
      containerId: 'c1',
      podName: 'p',
      podNamespace: 'ns',
      containerName: 'app',
      kind: 'container',
      image: 'busybox',
    });
    const cache = new WorkloadCache(2);
    cache.set('a', { containerId: 'a' });
    cache.set('b', { containerId: 'b' });
    cache.get('a');
    cache.set('c', { containerId: 'c' });
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map((entry) => entry?.containerId)).toEqual(['a', undefined, 'c']);
  });
});

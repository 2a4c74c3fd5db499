import { describe, expect, it } from 'vitest';
import { recordedChanges } from '../../test/support/recorded-changes.js';
import { PodIndex } from './pod-index.js';

interface Pod {
  kind: string;
  metadata: { name: string; namespace: string; uid: string };
  spec: { nodeName?: string; hostNetwork?: boolean };
  status: { phase?: string; podIP?: string; containerStatuses?: { name: string; containerID?: string }[] };
}

describe('PodIndex fed with a recorded incident', () => {
  const changes = recordedChanges('oom-cascade');
  const index = new PodIndex('prod-west');
  const alive = new Map<string, Pod>();
  for (const change of changes) {
    index.apply(change.type, change.object);
    if (change.object.kind !== 'Pod') continue;
    const pod = change.object as unknown as Pod;
    if (change.type === 'DELETED') alive.delete(pod.metadata.uid);
    else alive.set(pod.metadata.uid, pod);
  }

  it('holds exactly the pods that are alive at the end', () => {
    expect(alive.size).toBeGreaterThan(5);
    expect(index.size).toBe(alive.size);
    for (const [uid, pod] of alive) {
      expect(index.podByUid(uid)).toMatchObject({ name: pod.metadata.name, namespace: pod.metadata.namespace, uid, cluster: 'prod-west' });
    }
  });

  it('finds pods by container id, with or without the runtime prefix', () => {
    let checked = 0;
    for (const [uid, pod] of alive) {
      for (const status of pod.status.containerStatuses ?? []) {
        if (!status.containerID) continue;
        expect(index.podByContainerId(status.containerID)?.uid).toBe(uid);
        expect(index.podByContainerId(status.containerID.split('://')[1] as string)?.uid).toBe(uid);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('finds running pods by IP and lists pods per node', () => {
    for (const [uid, pod] of alive) {
      const owns = pod.status.podIP && !pod.spec.hostNetwork && pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed';
      if (owns) expect(index.podByIp(pod.status.podIP as string)?.uid).toBe(uid);
      if (pod.spec.nodeName) expect(index.podsOnNode(pod.spec.nodeName).map((identity) => identity.uid)).toContain(uid);
    }
    const nodes = new Set([...alive.values()].flatMap((pod) => pod.spec.nodeName ?? []));
    const total = [...nodes].reduce((sum, node) => sum + index.podsOnNode(node).length, 0);
    expect(total).toBe([...alive.values()].filter((pod) => pod.spec.nodeName).length);
  });

  it('forgets deleted pods and never lets them shadow the pod that reuses their address', () => {
    const local = new PodIndex();
    const pod = (uid: string, ip: string, phase = 'Running') => ({
      kind: 'Pod',
      metadata: { name: uid, namespace: 'shop', uid },
      spec: { nodeName: 'n1', containers: [{ name: 'app' }] },
      status: { phase, podIP: ip, containerStatuses: [{ name: 'app', containerID: `containerd://${uid}-c` }] },
    });
    local.apply('ADDED', pod('old', '10.0.0.5'));
    local.apply('ADDED', pod('new', '10.0.0.5'));
    local.apply('DELETED', pod('old', '10.0.0.5'));
    expect(local.podByIp('10.0.0.5')?.uid).toBe('new');
    expect(local.podByContainerId('old-c')).toBeUndefined();
    expect(local.podsOnNode('n1').map((identity) => identity.uid)).toEqual(['new']);
    local.apply('MODIFIED', pod('new', '10.0.0.5', 'Succeeded'));
    expect(local.podByIp('10.0.0.5')).toBeUndefined();
    expect(local.podByUid('new')?.containers).toEqual([{ name: 'app', containerId: 'new-c' }]);
    local.apply('ADDED', { ...pod('host', '10.0.0.1'), spec: { nodeName: 'n1', hostNetwork: true } });
    expect(local.podByIp('10.0.0.1')).toBeUndefined();
    local.apply('ADDED', { kind: 'Service', metadata: { uid: 'svc' } });
    expect(local.podByUid('svc')).toBeUndefined();
  });
});

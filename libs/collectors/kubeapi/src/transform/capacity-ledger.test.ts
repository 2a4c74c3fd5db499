import { describe, expect, it } from 'vitest';
import type { UnifiedEvent } from '@tapio/domain';
import { CapacityLedger, controllerOf, podRequests, topOwner, type Owner } from './capacity-ledger.js';
import { shortOf } from './cause-messages.js';
import { atSecond as at, failedScheduling, transformAll as run, watchAt as watch } from './kubeapi-transformer.test-support.js';

const MS = (second: number) => Date.parse(at(second));
const cartOwner = { kind: 'Deployment', name: 'cart', namespace: 'shop' };
const cruncher = { kind: 'Deployment', name: 'cruncher', namespace: 'analytics' };

function node(name = 'node-1', cpu = '2', memory = '8Gi'): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `n-${name}`, resourceVersion: '1' }, status: { allocatable: { cpu, memory }, conditions: [{ type: 'Ready', status: 'True' }] } };
}
function pod(name: string, namespace: string, cpu: string, nodeName?: string, phase = 'Running', owner?: { kind: string; name: string; uid: string }): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `p-${name}`, resourceVersion: '1', ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: owner.uid, controller: true }] } : {}) },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu, memory: '64Mi' } } }] },
    status: { phase },
  };
}

describe('CapacityLedger', () => {
  it('reads what a pod requests: its containers summed, a larger init container instead', () => {
    expect(podRequests({ spec: { containers: [{ resources: { requests: { cpu: '250m', memory: '128Mi' } } }, { resources: { requests: { cpu: '1' } } }] } })).toEqual({ cpu: 1.25, memory: 128 * 2 ** 20 });
    expect(podRequests({ spec: { containers: [{ resources: { requests: { cpu: '100m' } } }], initContainers: [{ resources: { requests: { cpu: '500m', memory: '1Gi' } } }] } })).toEqual({ cpu: 0.5, memory: 2 ** 30 });
    expect(podRequests({ spec: { containers: [{ name: 'no-requests' }] } })).toEqual({ cpu: 0, memory: 0 });
  });

  it('names the workload whose lately placed pods hold the room the refused pod needs', () => {
    const ledger = new CapacityLedger();
    ledger.observeNode('c', node('node-1', '2'));
    ledger.observePod('c', 'cart-1', pod('cart-1', 'shop', '200m', 'node-1'), () => cartOwner, MS(0));
    ledger.observePod('c', 'big-1', pod('big-1', 'analytics', '1600m', 'node-1'), () => cruncher, MS(60));
    ledger.observePod('c', 'cart-2', pod('cart-2', 'shop', '200m'), () => cartOwner, MS(90));
    expect(ledger.takenBy('c', 'cart-2', new Set(['cpu']), MS(95))).toMatchObject({ owner: cruncher, took: { cpu: 1.6 } });
    // Its own workload never took it; more than 30 minutes later nobody took it lately.
    expect(ledger.takenBy('c', 'cart-2', new Set(['cpu']), MS(60 + 31 * 60))).toBeUndefined();
    // A pod that would not fit even without it (asks more than the node has): nobody's doing.
    ledger.observePod('c', 'huge-1', pod('huge-1', 'shop', '3', undefined), () => cartOwner, MS(90));
    expect(ledger.takenBy('c', 'huge-1', new Set(['cpu']), MS(95))).toBeUndefined();
  });

  it('names no one when the refused pod is one of its own workload\'s scale-up, which took as much or more', () => {
    const ledger = new CapacityLedger();
    ledger.observeNode('c', node('node-1', '2'));
    ledger.observeNode('c', node('node-2', '2'));
    ledger.observePod('c', 'big-1', pod('big-1', 'analytics', '1500m', 'node-1'), () => cruncher, MS(30));
    // cart scaled to 6 replicas: five are placed (2.5 CPU, both nodes full), the last finds no room.
    for (let replica = 1; replica <= 5; replica += 1) ledger.observePod('c', `cart-${replica}`, pod(`cart-${replica}`, 'shop', '500m', replica === 1 ? 'node-1' : 'node-2'), () => cartOwner, MS(60));
    ledger.observePod('c', 'cart-6', pod('cart-6', 'shop', '500m'), () => cartOwner, MS(60));
    expect(ledger.takenBy('c', 'cart-6', new Set(['cpu']), MS(65))).toBeUndefined();
    // A routine restart of one cart pod (its workload took less than the cruncher) still names the cruncher.
    const other = new CapacityLedger();
    other.observeNode('c', node('node-1', '2'));
    other.observePod('c', 'big-1', pod('big-1', 'analytics', '1600m', 'node-1'), () => cruncher, MS(30));
    other.observePod('c', 'cart-1', pod('cart-1', 'shop', '200m', 'node-1'), () => cartOwner, MS(60));
    other.observePod('c', 'cart-2', pod('cart-2', 'shop', '200m'), () => cartOwner, MS(61));
    expect(other.takenBy('c', 'cart-2', new Set(['cpu']), MS(65))?.owner).toEqual(cruncher);
  });

  it("never names a DaemonSet: its pod belongs on every node, one just added (the autoscaler's) included", () => {
    const ledger = new CapacityLedger();
    const proxy = { kind: 'DaemonSet', name: 'kube-proxy', namespace: 'kube-system' };
    ledger.observeNode('c', node('node-4', '2'));
    ledger.observePod('c', 'proxy-4', pod('proxy-4', 'kube-system', '1800m', 'node-4'), () => proxy, MS(30));
    ledger.observePod('c', 'cart-3', pod('cart-3', 'shop', '500m'), () => cartOwner, MS(40));
    expect(ledger.takenBy('c', 'cart-3', new Set(['cpu']), MS(45))).toBeUndefined();
  });

  it('counts what a workload gave back: a finished or deleted pod frees its room, a replaced one takes none', () => {
    const ledger = new CapacityLedger();
    ledger.observeNode('c', node('node-1', '2'));
    const job = { kind: 'CronJob', name: 'report', namespace: 'batch' };
    ledger.observePod('c', 'job-1', pod('job-1', 'batch', '1500m', 'node-1'), () => job, MS(10));
    ledger.observePod('c', 'job-1', pod('job-1', 'batch', '1500m', 'node-1', 'Succeeded'), () => job, MS(40));
    ledger.observePod('c', 'web-1', pod('web-1', 'shop', '1500m', 'node-1'), () => cruncher, MS(50));
    ledger.forgetPod('c', 'web-1', MS(70));
    ledger.observePod('c', 'web-2', pod('web-2', 'shop', '1500m', 'node-1'), () => cruncher, MS(71));
    ledger.observePod('c', 'cart-2', pod('cart-2', 'shop', '800m'), () => cartOwner, MS(90));
    // The CronJob took and gave back (net 0); the Deployment replaced a pod by one as large: it took its room lately all the same.
    expect(ledger.takenBy('c', 'cart-2', new Set(['cpu']), MS(95))?.owner).toEqual(cruncher);
    ledger.forgetPod('c', 'web-2', MS(96));
    expect(ledger.takenBy('c', 'cart-2', new Set(['cpu']), MS(97))).toBeUndefined();
  });

  it('reads the short resources of a message, and a pod\'s owner up its chain as known when asked', () => {
    expect([...shortOf('0/3 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.')]).toEqual(['cpu', 'memory']);
    const facts = { kind: 'Pod', name: 'cart-2', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cart-7d9', uid: 'rs-1', controller: true }] };
    const byUid = (uid: string) => (uid === 'rs-1' ? { kind: 'ReplicaSet', name: 'cart-7d9', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', uid: 'd-1', controller: true }] } : undefined);
    expect(controllerOf(facts)).toEqual({ kind: 'ReplicaSet', name: 'cart-7d9', namespace: 'shop', uid: 'rs-1' });
    expect(topOwner(controllerOf(facts), byUid)).toEqual({ ...cartOwner, uid: 'd-1' });
    // Its ReplicaSet not known yet (a pod listed before it): the ReplicaSet, asked again later.
    expect(topOwner(controllerOf(facts), () => undefined)).toEqual({ kind: 'ReplicaSet', name: 'cart-7d9', namespace: 'shop', uid: 'rs-1' });
    expect(controllerOf({ kind: 'Pod', name: 'solo', namespace: 'shop' })).toEqual({ kind: 'Pod', name: 'solo', namespace: 'shop' });
  });

  it('resolves owners when a refusal asks: a pod seen before its ReplicaSet is still its own workload\'s', () => {
    const known = new Map<string, Owner>();
    const ledger = new CapacityLedger((_cluster, owner) => known.get(owner.name) ?? owner);
    ledger.observeNode('c', node('node-1', '2'));
    const replicaSet = { kind: 'ReplicaSet', name: 'cart-7d9', namespace: 'shop' };
    ledger.observePod('c', 'cart-1', pod('cart-1', 'shop', '1500m', 'node-1'), () => replicaSet, MS(10));
    ledger.observePod('c', 'cart-2', pod('cart-2', 'shop', '1000m'), () => cartOwner, MS(20));
    known.set('cart-7d9', cartOwner);
    expect(ledger.takenBy('c', 'cart-2', new Set(['cpu']), MS(30))).toBeUndefined();
  });
});

const INSUFFICIENT = '0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
const refusal = (second: number, podName: string) => failedScheduling(second, INSUFFICIENT, { name: podName, namespace: 'shop' });
const refused = (events: UnifiedEvent[]) => events.filter((event) => event.type === 'pod_unschedulable').map((event) => `${event.annotations?.['scheduling.blocked_by'] ?? '-'}:${event.annotations?.['cause.kind'] ?? '-'}/${event.annotations?.['cause.name'] ?? '-'}`);

describe('kubeapi transformer: a pod refused for room another workload took', () => {
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cruncher', namespace: 'analytics', uid: 'd-cruncher', resourceVersion: '1' }, spec: { replicas: 1, template: { metadata: {}, spec: { containers: [] } } } };
  const replicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'cruncher-66bd', namespace: 'analytics', uid: 'rs-cruncher', resourceVersion: '1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cruncher', uid: 'd-cruncher', controller: true }] } };
  const pending = { ...pod('cart-2', 'shop', '200m'), status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: INSUFFICIENT }] } };

  it('names the new workload on the Event and on the pod status, with what it took', () => {
    const events = run([
      watch('ADDED', node('node-1', '2')),
      watch('ADDED', pod('cart-1', 'shop', '200m', 'node-1')),
      watch('ADDED', deployment, 10),
      watch('ADDED', replicaSet, 10),
      watch('ADDED', pod('cruncher-1', 'analytics', '1700m', 'node-1', 'Running', { kind: 'ReplicaSet', name: 'cruncher-66bd', uid: 'rs-cruncher' }), 12),
      watch('ADDED', pending, 40),
      watch('ADDED', refusal(41, 'cart-2'), 41),
    ]);
    expect(refused(events)).toEqual(['capacity:Deployment/cruncher', 'capacity:Deployment/cruncher']);
    expect(events.find((event) => event.type === 'pod_unschedulable')?.message).toContain('Deployment analytics/cruncher took 1700m CPU on the node lately');
  });

  it('leaves the refusal unmarked when no other workload took room lately (the pod asks too much of its own)', () => {
    // cart-1 ran before Tapio started (created an hour before the watch's first list): it took its room then, not lately.
    const old = pod('cart-1', 'shop', '1900m', 'node-1');
    (old['metadata'] as Record<string, unknown>)['creationTimestamp'] = new Date(MS(0) - 3_600_000).toISOString();
    const events = run([watch('ADDED', node('node-1', '2')), watch('ADDED', old), watch('ADDED', pending, 40), watch('ADDED', refusal(41, 'cart-2'), 41)]);
    expect(refused(events)).toEqual(['-:-/-', '-:-/-']);
  });
});

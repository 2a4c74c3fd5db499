import { describe, expect, it } from 'vitest';
import type { UnifiedEvent } from '@tapio/domain';
import { AdmissionPolicies } from './admission-policies.js';
import { atSecond as at, transformAll as run, watchAt as watch } from './kubeapi-transformer.test-support.js';

const NS = 'payments';
const priorityClass = (uid: string, resourceVersion: string, value: number, createdSecond = 0) => ({
  apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'payments-critical', uid, resourceVersion, creationTimestamp: at(createdSecond) }, value,
});
const pod = (name: string, uid: string, createdSecond: number) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, uid, resourceVersion: `1${createdSecond}`, creationTimestamp: at(createdSecond) },
  spec: { nodeName: 'node-1', priorityClassName: 'payments-critical', containers: [{ name: 'api', image: 'api:1' }] }, status: { phase: 'Running' },
});
const preemptor = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'backtest-x7k2p', namespace: 'risk', uid: '0b1e5a0e-5c2f-4e7e-9a55-1f0a9c1b2d3e', resourceVersion: '90', creationTimestamp: at(100) }, spec: { containers: [{ name: 'job', image: 'job:1' }] }, status: { phase: 'Pending' } };
const preempted = (victim: { name: string; uid: string }, second: number) => ({
  apiVersion: 'v1', kind: 'Event', metadata: { name: `${victim.name}.preempted`, namespace: NS, uid: `ev-${victim.uid}`, resourceVersion: String(500 + second) },
  involvedObject: { kind: 'Pod', name: victim.name, namespace: NS, uid: victim.uid }, reason: 'Preempted', message: 'Preempted by pod 0b1e5a0e-5c2f-4e7e-9a55-1f0a9c1b2d3e on node node-1', type: 'Normal', count: 1, lastTimestamp: at(second), source: { component: 'default-scheduler' },
});
const causeOf = (events: UnifiedEvent[]) => events.find((item) => item.type === 'pod_preempted')?.annotations;

describe('kubeapi transformer: a victim preempted under a PriorityClass created again with a lower value', () => {
  it('names the PriorityClass when the victim was admitted after the class came back lower', () => {
    const events = run([
      watch('ADDED', priorityClass('pc-1', '1', 1_000_000)),
      watch('DELETED', priorityClass('pc-1', '2', 1_000_000), 10),
      watch('ADDED', priorityClass('pc-2', '3', 1_000, 12), 12),
      watch('ADDED', pod('api-1', 'pod-1', 20), 20),
      watch('ADDED', preemptor, 100),
      watch('ADDED', preempted({ name: 'api-1', uid: 'pod-1' }, 110), 110),
    ]);
    expect(causeOf(events)).toMatchObject({ 'cause.kind': 'PriorityClass', 'cause.name': 'payments-critical', 'cause.exists': 'true' });
  });

  it('names the preemptor when the class came back as high or higher, or the victim was admitted before the change', () => {
    const same = run([
      watch('ADDED', priorityClass('pc-1', '1', 1_000_000)),
      watch('DELETED', priorityClass('pc-1', '2', 1_000_000), 10),
      watch('ADDED', priorityClass('pc-2', '3', 1_000_000, 12), 12),
      watch('ADDED', pod('api-1', 'pod-1', 20), 20),
      watch('ADDED', preemptor, 100),
      watch('ADDED', preempted({ name: 'api-1', uid: 'pod-1' }, 110), 110),
    ]);
    expect(causeOf(same)).toMatchObject({ 'cause.kind': 'Pod', 'cause.name': 'backtest-x7k2p', 'cause.namespace': 'risk' });
    const before = run([
      watch('ADDED', priorityClass('pc-1', '1', 1_000_000)),
      watch('ADDED', pod('api-1', 'pod-1', 5), 5),
      watch('DELETED', priorityClass('pc-1', '2', 1_000_000), 10),
      watch('ADDED', priorityClass('pc-2', '3', 1_000, 12), 12),
      watch('ADDED', preemptor, 100),
      watch('ADDED', preempted({ name: 'api-1', uid: 'pod-1' }, 110), 110),
    ]);
    expect(causeOf(before)?.['cause.kind']).toBe('Pod');
  });

  it('keeps the lowering across a restart of the transformer (durable state)', () => {
    const policies = new AdmissionPolicies();
    policies.restore('', undefined);
    policies.observe('c', { kind: 'PriorityClass', name: 'payments-critical' }, false, 0, { value: 1_000_000 });
    policies.observe('c', { kind: 'PriorityClass', name: 'payments-critical' }, true, 10_000);
    policies.observe('c', { kind: 'PriorityClass', name: 'payments-critical', creationTimestamp: at(12) }, false, undefined, { value: 1_000 });
    const restored = new AdmissionPolicies();
    for (const [key, state] of policies.changes()) restored.restore(key, state);
    expect(restored.priorityLoweredAt('c', 'payments-critical')).toBe(Date.parse(at(12)));
    expect(restored.priorityLoweredAt('c', 'other')).toBeUndefined();
  });
});

describe('kubeapi transformer: a new global default PriorityClass lower than the one before', () => {
  const cls = (name: string, uid: string, resourceVersion: string, value: number, globalDefault: boolean, createdSecond = 0) => ({
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name, uid, resourceVersion, creationTimestamp: at(createdSecond) }, value, globalDefault,
  });
  const admitted = (name: string, uid: string, createdSecond: number, priorityClassName: string) => ({
    ...pod(name, uid, createdSecond), spec: { nodeName: 'node-1', priorityClassName, containers: [{ name: 'web', image: 'web:1' }] },
  });

  it('names the new default for victims admitted under it, the old default unmarked first or last', () => {
    for (const order of ['old first', 'new first']) {
      const unmark = watch('MODIFIED', cls('standard', 'pc-s', '2', 10_000, false), 10);
      const created = watch('ADDED', cls('default-low', 'pc-d', '3', 0, true, 10), 10);
      const events = run([
        watch('ADDED', cls('standard', 'pc-s', '1', 10_000, true)),
        ...(order === 'old first' ? [unmark, created] : [created, unmark]),
        watch('ADDED', admitted('web-1', 'pod-1', 20, 'default-low'), 20),
        watch('ADDED', preemptor, 100),
        watch('ADDED', preempted({ name: 'web-1', uid: 'pod-1' }, 110), 110),
      ]);
      expect(causeOf(events), order).toMatchObject({ 'cause.kind': 'PriorityClass', 'cause.name': 'default-low' });
    }
  });

  it('leaves the preemptor named when the new default is as high as the old one', () => {
    const events = run([
      watch('ADDED', cls('standard', 'pc-s', '1', 10_000, true)),
      watch('MODIFIED', cls('standard', 'pc-s', '2', 10_000, false), 10),
      watch('ADDED', cls('default-high', 'pc-d', '3', 20_000, true, 10), 10),
      watch('ADDED', admitted('web-1', 'pod-1', 20, 'default-high'), 20),
      watch('ADDED', preemptor, 100),
      watch('ADDED', preempted({ name: 'web-1', uid: 'pod-1' }, 110), 110),
    ]);
    expect(causeOf(events)?.['cause.kind']).toBe('Pod');
  });
});

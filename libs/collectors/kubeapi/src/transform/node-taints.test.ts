import { describe, expect, it } from 'vitest';
import { PlannedNodes } from './lifecycle-signals.js';
import { atSecond as at, failedScheduling, transformAll as run, unschedulableCauses, watchAt as watch } from './kubeapi-transformer.test-support.js';

function node(version: number, taints: Array<{ key: string; value?: string; effect: string }>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2', uid: 'n-2', resourceVersion: String(version) }, spec: taints.length ? { taints } : {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
}
const ONLY_TAINTS = '0/1 nodes are available: 1 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
const refusal = (second: number, message = ONLY_TAINTS) => failedScheduling(second, message, { name: 'router-1', namespace: 'dispatch' });
function pendingPod(version: number, second: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'router-2', namespace: 'dispatch', uid: 'p-router-2', resourceVersion: String(900 + version), creationTimestamp: at(second) },
    spec: { containers: [{ name: 'router', image: 'router:1' }] },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: ONLY_TAINTS }] },
  };
}
const blocked = unschedulableCauses;
const dedicated = { key: 'dedicated', value: 'batch', effect: 'NoSchedule' };

describe('kubeapi transformer: pods kept off a node someone tainted', () => {
  it('names the node tainted while Tapio watched as the cause of a refusal for taints alone (Events and pod status)', () => {
    const events = run([watch('ADDED', node(1, [])), watch('MODIFIED', node(2, [dedicated]), 10), watch('ADDED', refusal(30), 30), watch('ADDED', pendingPod(1, 30), 30)]);
    expect(blocked(events)).toEqual(['taint:node-2', 'taint:node-2']);
    const fromStatus = events.filter((event) => event.type === 'pod_unschedulable').find((event) => event.entity?.name === 'router-2');
    expect(fromStatus?.message).toContain('(Node node-2 tainted dedicated=batch:NoSchedule at 2026-03-02T10:00:10Z)');
    expect(fromStatus?.annotations?.['cause.kind']).toBe('Node');
  });

  it('leaves the refusal unattributed when the taint was there when first seen, is the system\'s, was removed, or is not all that stops the pod; names it when the other nodes are out for their labels', () => {
    expect(blocked(run([watch('ADDED', node(1, [dedicated])), watch('ADDED', refusal(30), 30), watch('ADDED', pendingPod(1, 30), 30)]))).toEqual(['-:-', '-:-']);
    const notReady = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
    expect(blocked(run([watch('ADDED', node(1, [])), watch('MODIFIED', node(2, [notReady]), 10), watch('ADDED', refusal(30), 30)]))).toEqual(['-:-']);
    expect(blocked(run([watch('ADDED', node(1, [])), watch('MODIFIED', node(2, [dedicated]), 10), watch('MODIFIED', node(3, []), 20), watch('ADDED', refusal(30), 30)]))).toEqual(['-:-']);
    const mixed = "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu.";
    expect(blocked(run([watch('ADDED', node(1, [])), watch('MODIFIED', node(2, [dedicated]), 10), watch('ADDED', refusal(30, mixed), 30)]))).toEqual(['-:-']);
    // The nodes the pod's selector matches none of stood as they were: the taint took the last one it could go to.
    const besideLabels = "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector.";
    expect(blocked(run([watch('ADDED', node(1, [])), watch('MODIFIED', node(2, [dedicated]), 10), watch('ADDED', refusal(30, besideLabels), 30)]))).toEqual(['taint:node-2']);
  });

  it('a PreferNoSchedule taint keeps no pod off; a NoExecute one does', () => {
    const prefer = { key: 'dedicated', value: 'batch', effect: 'PreferNoSchedule' };
    expect(blocked(run([watch('ADDED', node(1, [])), watch('MODIFIED', node(2, [prefer]), 10), watch('ADDED', refusal(30), 30)]))).toEqual(['-:-']);
    const evict = { key: 'maintenance', effect: 'NoExecute' };
    expect(blocked(run([watch('ADDED', node(1, [])), watch('MODIFIED', node(2, [evict]), 10), watch('ADDED', refusal(30), 30)]))).toEqual(['taint:node-2']);
  });

  it('keeps which node was tainted, and when, through its durable state (a restarted transformer still knows)', () => {
    const planned = new PlannedNodes();
    planned.restore('', undefined);
    const facts = (taints: string[] | undefined) => ({ kind: 'Node', name: 'node-2', ...(taints ? { taints } : {}) });
    planned.observe('c1', facts(undefined), false, 1_000, undefined);
    planned.observe('c1', facts(['dedicated=batch:NoSchedule']), false, 5_000, facts(undefined));
    const kept = planned.changes();
    expect(kept).toEqual([['c1|node-2', { tainted: ['dedicated=batch:NoSchedule'], taintedAt: 5_000 }]]);
    const restarted = new PlannedNodes();
    for (const [key, state] of kept) restarted.restore(key, state);
    expect(restarted.lastTainted('c1')).toBe('node-2');
    // The same taint seen again (a resync) is not a new one: its time stays.
    restarted.observe('c1', facts(['dedicated=batch:NoSchedule']), false, 9_000, facts(['dedicated=batch:NoSchedule']));
    expect(restarted.changes()).toEqual([]);
  });
});

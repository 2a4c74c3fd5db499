import { describe, expect, it } from 'vitest';
import { PlannedNodes } from './lifecycle-signals.js';
import { labelsLost, nodeLabelSignals, stillLost } from './node-labels.js';
import { atSecond as at, failedScheduling, transformAll as run, unschedulableCauses, watchAt as watch } from './kubeapi-transformer.test-support.js';

function node(version: number, labels: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2', uid: 'n-2', resourceVersion: String(version), labels: { 'kubernetes.io/hostname': 'node-2', ...labels } }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
}
const SELECTOR_ONLY = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
const refusal = (second: number, message = SELECTOR_ONLY) => failedScheduling(second, message, { name: 'web-1', namespace: 'storefront' });
function pendingPod(second: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-2', namespace: 'storefront', uid: 'p-web-2', resourceVersion: '901', creationTimestamp: at(second) },
    spec: { containers: [{ name: 'web', image: 'web:1' }] },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: SELECTOR_ONLY }] },
  };
}
const blocked = unschedulableCauses;
const frontend = { tier: 'frontend' };
const facts = (labels: Record<string, string> | undefined) => ({ kind: 'Node', name: 'node-2', ...(labels ? { labels } : {}) });

describe('node labels lost', () => {
  it('counts a label removed or given another value, not one added', () => {
    expect(labelsLost(facts({ tier: 'frontend', zone: 'a' }), facts({ zone: 'b', disk: 'ssd' }))).toEqual(['tier=frontend', 'zone=a']);
    expect(labelsLost(facts({ tier: 'frontend' }), facts({ tier: 'frontend', disk: 'ssd' }))).toEqual([]);
    expect(labelsLost(undefined, facts({}))).toEqual([]);
  });

  it('keeps a lost label until the node carries it again, newest last, at most sixteen', () => {
    expect(stillLost(['tier=frontend', 'zone=a'], [], facts({ tier: 'frontend', zone: 'b' }))).toEqual(['zone=a']);
    expect(stillLost(['tier=frontend'], ['tier=frontend'], facts({}))).toEqual(['tier=frontend']);
    const churn = Array.from({ length: 20 }, (_, index) => `stamp=${index}`);
    expect(stillLost(churn.slice(0, 19), ['stamp=19'], facts({ stamp: '20' }))).toEqual(churn.slice(4));
  });

  it('says what the node lost as a change of its own, with the old and new values', () => {
    const [signal] = nodeLabelSignals(facts({ tier: 'frontend', zone: 'a' }), facts({ zone: 'b' }));
    expect(signal?.type).toBe('node_spec_changed');
    expect(signal?.message).toBe('Node node-2 labels changed: tier=frontend removed, zone=a -> b');
    expect(signal?.kubernetes?.changes).toEqual([
      { path: 'metadata.labels.tier', op: 'removed', before: 'frontend' },
      { path: 'metadata.labels.zone', op: 'changed', before: 'a', after: 'b' },
    ]);
    expect(nodeLabelSignals(facts({}), facts({ tier: 'frontend' }))).toEqual([]);
  });
});

describe('kubeapi transformer: pods kept off a node that lost a label', () => {
  it('names the node that lost a label while Tapio watched as the cause of a refusal for selectors alone (Events and pod status)', () => {
    const events = run([watch('ADDED', node(1, frontend)), watch('MODIFIED', node(2, {}), 10), watch('ADDED', refusal(30), 30), watch('ADDED', pendingPod(30), 30)]);
    expect(events.filter((event) => event.type === 'node_spec_changed').map((event) => event.message)).toEqual(['Node node-2 labels changed: tier=frontend removed']);
    expect(blocked(events)).toEqual(['labels:node-2', 'labels:node-2']);
    const fromStatus = events.find((event) => event.type === 'pod_unschedulable' && event.entity?.name === 'web-2');
    expect(fromStatus?.message).toContain('(Node node-2 lost label tier=frontend at 2026-03-02T10:00:10Z)');
  });

  it('on a cluster whose control plane node is tainted, names whichever node change came last: the lost label, or a taint put on after it', () => {
    const beside = "0/2 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
    expect(blocked(run([watch('ADDED', node(1, frontend)), watch('MODIFIED', node(2, {}), 10), watch('ADDED', refusal(30, beside), 30)]))).toEqual(['labels:node-2']);
    expect(blocked(run([watch('ADDED', node(1, frontend)), watch('ADDED', refusal(30, beside), 30)]))).toEqual(['-:-']);
    const tainted = { ...node(3, {}), spec: { taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] } };
    expect(blocked(run([watch('ADDED', node(1, frontend)), watch('MODIFIED', node(2, {}), 10), watch('MODIFIED', tainted, 20), watch('ADDED', refusal(30, beside), 30)]))).toEqual(['taint:node-2']);
  });

  it('leaves the refusal to the rollout when no node lost a label (a selector nobody could match), the label came back, or more than labels stop the pod', () => {
    expect(blocked(run([watch('ADDED', node(1, frontend)), watch('ADDED', refusal(30), 30)]))).toEqual(['-:-']);
    expect(blocked(run([watch('ADDED', node(1, frontend)), watch('MODIFIED', node(2, { ...frontend, disk: 'ssd' }), 10), watch('ADDED', refusal(30), 30)]))).toEqual(['-:-']);
    expect(blocked(run([watch('ADDED', node(1, frontend)), watch('MODIFIED', node(2, {}), 10), watch('MODIFIED', node(3, frontend), 20), watch('ADDED', refusal(30), 30)]))).toEqual(['-:-']);
    const mixed = "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.";
    expect(blocked(run([watch('ADDED', node(1, frontend)), watch('MODIFIED', node(2, {}), 10), watch('ADDED', refusal(30, mixed), 30)]))).toEqual(['-:-']);
  });

  it('keeps which node lost which label, and when, through its durable state', () => {
    const planned = new PlannedNodes();
    planned.restore('', undefined);
    planned.observe('c1', facts(frontend), false, 1_000, undefined);
    planned.observe('c1', facts({}), false, 5_000, facts(frontend));
    const kept = planned.changes();
    expect(kept).toEqual([['c1|node-2', { unlabeled: ['tier=frontend'], unlabeledAt: 5_000 }]]);
    const restarted = new PlannedNodes();
    for (const [key, state] of kept) restarted.restore(key, state);
    expect(restarted.lastUnlabeled('c1')).toBe('node-2');
    // Seen again without the label (a resync): nothing new, its time stays; the label back: forgotten.
    restarted.observe('c1', facts({}), false, 9_000, facts({}));
    expect(restarted.changes()).toEqual([]);
    restarted.observe('c1', facts(frontend), false, 12_000, facts({}));
    expect(restarted.lastUnlabeled('c1')).toBeUndefined();
  });
});

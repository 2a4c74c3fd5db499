import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import type { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { rootIs, shop, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

const NOT_HELPFUL = 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';

/**
 * Objects a routine restart only reveals: the scheduler's refusal names none of them, the
 * kubeapi transformer does (`scheduling.blocked_by` and `cause.*`) when it saw the change: a
 * node tainted or relabelled lately, a workload that took the room lately, a claim deleted while
 * pods use it (which the scheduler does name). Each row: the
 * pattern, the scheduler's words, the refusal as the transformer tells it with the cause named,
 * the cause, and the release whose refusal names none (the rollout patterns' answer).
 */
interface SchedulingCause {
  pattern: string;
  scheduler: string;
  named: (cluster: ClusterFixture) => { annotations: Record<string, string>; note: string; root: EntityRef };
  release: string;
}

const CAUSES: SchedulingCause[] = [
  {
    pattern: 'node-taint-blocks-pods',
    scheduler: `0/3 nodes are available: 3 node(s) had untolerated taint(s). ${NOT_HELPFUL}`,
    named: (cluster) => ({ annotations: { 'scheduling.blocked_by': 'taint', 'cause.kind': 'Node', 'cause.name': 'node-2' }, note: 'Node node-2 tainted dedicated=batch:NoSchedule at 2026-03-02T10:00:10Z', root: cluster.ref('Node', 'node-2') }),
    release: 'spec.template.spec.tolerations removed',
  },
  {
    pattern: 'node-labels-block-pods',
    scheduler: `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL}`,
    named: (cluster) => ({ annotations: { 'scheduling.blocked_by': 'labels', 'cause.kind': 'Node', 'cause.name': 'node-2' }, note: 'Node node-2 lost label tier=frontend at 2026-03-02T10:00:10Z', root: cluster.ref('Node', 'node-2') }),
    release: 'spec.nodeSelector added: {"disktype":"sdd"}',
  },
  {
    pattern: 'capacity-taken',
    scheduler: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    named: (cluster) => ({ annotations: { 'scheduling.blocked_by': 'capacity', 'cause.kind': 'Deployment', 'cause.name': 'cart', 'cause.namespace': 'shop' }, note: 'Deployment shop/cart took 1450m CPU on the node lately', root: cluster.ref('Deployment', 'cart', 'shop') }),
    release: 'spec.containers[checkout].resources.requests.cpu 200m -> 8',
  },
  {
    pattern: 'claim-deleted-in-use',
    scheduler: '0/3 nodes are available: persistentvolumeclaim "checkout-cache" is being deleted. not found',
    named: (cluster) => {
      cluster.object('resource_created', { kind: 'PersistentVolumeClaim', name: 'checkout-cache', namespace: 'shop', uid: 'pvc-1', creationTimestamp: cluster.now }, 'PersistentVolumeClaim shop/checkout-cache seen');
      return {
        annotations: { 'scheduling.blocked_by': 'claim-deleted', 'cause.kind': 'PersistentVolumeClaim', 'cause.name': 'checkout-cache', 'cause.namespace': 'shop' },
        note: 'PersistentVolumeClaim shop/checkout-cache was deleted while pods use it',
        root: cluster.ref('PersistentVolumeClaim', 'checkout-cache', 'shop'),
      };
    },
    release: 'spec.template.spec.volumes added',
  },
];

/** A restart's (or release's) new pod refused five times, 30 s apart. */
function refusedAfterRollout(cluster: ClusterFixture, pod: EntityRef, refusal: { message: string; annotations?: Record<string, string> }): void {
  for (let round = 0; round < 5; round += 1) {
    cluster.signal('pod_unschedulable', pod, refusal);
    cluster.advance(30);
  }
}

describe.each(CAUSES)('$pattern', ({ pattern, scheduler, named, release }) => {
  it('a routine restart after the change: the changed object is the answer, not the rollout', () => {
    const { cluster, checkout } = shop();
    cluster.advance(20);
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 1);
    const cause = named(cluster);
    refusedAfterRollout(cluster, fresh[0] as EntityRef, { message: `FailedScheduling: ${scheduler} (${cause.note})`, annotations: cause.annotations });
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe(pattern);
    expect(rootIs(insights[0], cause.root), summary(insights)).toBe(true);
    expect(withPattern(insights, 'rollout-pods-cannot-start'), summary(insights)).toEqual([]);
    expect(withPattern(insights, 'scheduler-thrash'), summary(insights)).toEqual([]);
  });

  it('near miss: the change undone within the minute, the pod scheduled', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 1);
    const cause = named(cluster);
    cluster.signal('pod_unschedulable', fresh[0] as EntityRef, { message: `FailedScheduling: ${scheduler} (${cause.note})`, annotations: cause.annotations });
    cluster.advance(40);
    cluster.signal('pod_scheduled', fresh[0] as EntityRef);
    cluster.advance(10);
    cluster.signal('pod_ready', fresh[0] as EntityRef);
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('a release the transformer names no cause for is the rollout patterns\u2019 answer', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, release, 1);
    refusedAfterRollout(cluster, fresh[0] as EntityRef, { message: `FailedScheduling: ${scheduler}` });
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-pods-cannot-start');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });
});

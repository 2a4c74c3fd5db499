import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { rootIs, shop, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

const SELECTOR = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
/** A refusal as the kubeapi transformer tells it once it knows which node lost a label lately. */
const labelRefusal = (node: string) => ({ message: `FailedScheduling: ${SELECTOR} (Node ${node} lost label tier=frontend at 2026-03-02T10:00:10Z)`, annotations: { 'scheduling.blocked_by': 'labels', 'cause.kind': 'Node', 'cause.name': node } });

describe('node-labels-block-pods', () => {
  it('a routine restart after a node lost the label its pods require: the node is the answer, not the rollout', () => {
    const { cluster, checkout } = shop();
    cluster.advance(20);
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 1);
    for (let round = 0; round < 5; round += 1) {
      cluster.signal('pod_unschedulable', fresh[0] as EntityRef, labelRefusal('node-2'));
      cluster.advance(30);
    }
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('node-labels-block-pods');
    expect(rootIs(insights[0], cluster.ref('Node', 'node-2')), summary(insights)).toBe(true);
    expect(withPattern(insights, 'rollout-pods-cannot-start'), summary(insights)).toEqual([]);
    expect(withPattern(insights, 'scheduler-thrash'), summary(insights)).toEqual([]);
  });

  it('near miss: the label put back within the minute, the pod scheduled', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 1);
    cluster.signal('pod_unschedulable', fresh[0] as EntityRef, labelRefusal('node-2'));
    cluster.advance(40);
    cluster.signal('pod_scheduled', fresh[0] as EntityRef);
    cluster.advance(10);
    cluster.signal('pod_ready', fresh[0] as EntityRef);
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('a release asking for a label no node lost (no cause named) is the rollout patterns\' answer', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'spec.nodeSelector added: {"disktype":"sdd"}', 1);
    for (let round = 0; round < 5; round += 1) {
      cluster.signal('pod_unschedulable', fresh[0] as EntityRef, { message: `FailedScheduling: ${SELECTOR}` });
      cluster.advance(30);
    }
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-pods-cannot-start');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });
});

const INSUFFICIENT = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
/** A refusal as the kubeapi transformer tells it once it knows which workload took the room lately. */
const capacityRefusal = (name: string, namespace: string) => ({ message: `FailedScheduling: ${INSUFFICIENT} (Deployment ${namespace}/${name} took 1450m CPU on the node lately)`, annotations: { 'scheduling.blocked_by': 'capacity', 'cause.kind': 'Deployment', 'cause.name': name, 'cause.namespace': namespace } });

describe('capacity-taken', () => {
  it('a routine restart after another app took the room: that app is the answer, not the restart', () => {
    const { cluster, checkout, cart } = shop();
    cluster.advance(20);
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 1);
    for (let round = 0; round < 5; round += 1) {
      cluster.signal('pod_unschedulable', fresh[0] as EntityRef, capacityRefusal(cart.ref.name, 'shop'));
      cluster.advance(30);
    }
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('capacity-taken');
    expect(rootIs(insights[0], cart.ref), summary(insights)).toBe(true);
    expect(withPattern(insights, 'rollout-pods-cannot-start'), summary(insights)).toEqual([]);
    expect(withPattern(insights, 'scheduler-thrash'), summary(insights)).toEqual([]);
  });

  it('near miss: room freed within the minute, the pod scheduled', () => {
    const { cluster, checkout, cart } = shop();
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 1);
    cluster.signal('pod_unschedulable', fresh[0] as EntityRef, capacityRefusal(cart.ref.name, 'shop'));
    cluster.advance(40);
    cluster.signal('pod_scheduled', fresh[0] as EntityRef);
    cluster.advance(10);
    cluster.signal('pod_ready', fresh[0] as EntityRef);
    cluster.advance(150);
    expect(loud(analyze(cluster.events)), summary(analyze(cluster.events))).toEqual([]);
  });

  it('a release asking more than any node has left (no taker named) is the rollout patterns\' answer', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'spec.containers[checkout].resources.requests.cpu 200m -> 8', 1);
    for (let round = 0; round < 5; round += 1) {
      cluster.signal('pod_unschedulable', fresh[0] as EntityRef, { message: `FailedScheduling: ${INSUFFICIENT}` });
      cluster.advance(30);
    }
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-pods-cannot-start');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });
});

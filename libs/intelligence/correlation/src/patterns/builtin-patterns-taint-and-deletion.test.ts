import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { rootIs, shop, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

const TAINTED = '0/3 nodes are available: 3 node(s) had untolerated taint(s). preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
/** A refusal as the kubeapi transformer tells it once it knows which node was tainted lately. */
const taintRefusal = (node: string) => ({ message: `FailedScheduling: ${TAINTED} (Node ${node} tainted dedicated=batch:NoSchedule at 2026-03-02T10:00:10Z)`, annotations: { 'scheduling.blocked_by': 'taint', 'cause.kind': 'Node', 'cause.name': node } });

describe('node-taint-blocks-pods', () => {
  it('a routine restart after someone tainted the node: the node is the answer, not the rollout', () => {
    const { cluster, checkout } = shop();
    cluster.advance(20);
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 1);
    for (let round = 0; round < 5; round += 1) {
      cluster.signal('pod_unschedulable', fresh[0] as EntityRef, taintRefusal('node-2'));
      cluster.advance(30);
    }
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('node-taint-blocks-pods');
    expect(rootIs(insights[0], cluster.ref('Node', 'node-2')), summary(insights)).toBe(true);
    expect(withPattern(insights, 'rollout-pods-cannot-start'), summary(insights)).toEqual([]);
  });

  it('near miss: the taint removed within the minute, the pod scheduled', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 1);
    cluster.signal('pod_unschedulable', fresh[0] as EntityRef, taintRefusal('node-2'));
    cluster.advance(40);
    cluster.signal('pod_scheduled', fresh[0] as EntityRef);
    cluster.advance(10);
    cluster.signal('pod_ready', fresh[0] as EntityRef);
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('a taint nobody added lately (no cause named) leaves the refusal to the rollout patterns', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'spec.template.spec.tolerations removed', 1);
    for (let round = 0; round < 5; round += 1) {
      cluster.signal('pod_unschedulable', fresh[0] as EntityRef, { message: `FailedScheduling: ${TAINTED}` });
      cluster.advance(30);
    }
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-pods-cannot-start');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });
});

describe('workload-deleted-service-empty', () => {
  it('the Deployment behind a Service deleted while the Service stays: the deletion is the answer', () => {
    const { cluster, cart } = shop();
    cluster.deleteWorkload(cart);
    cluster.signal('service_unavailable', cluster.ref('Service', 'cart', 'shop'), { message: 'Service shop/cart has no ready endpoints (was 2)' });
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('workload-deleted-service-empty');
    expect(rootIs(insights[0], cart.ref), summary(insights)).toBe(true);
    // The Service's own incident is folded into it, not told apart.
    expect(loud(insights).length, summary(insights)).toBe(1);
  });

  it('near miss: the app decommissioned whole (its Service deleted seconds later)', () => {
    const { cluster, cart } = shop();
    cluster.deleteWorkload(cart);
    cluster.signal('service_unavailable', cluster.ref('Service', 'cart', 'shop'), { message: 'Service shop/cart has no ready endpoints (was 2)' });
    cluster.advance(3);
    cluster.object('resource_deleted', { kind: 'Service', name: 'cart', namespace: 'shop', serviceSelector: { app: 'cart' } }, 'Service shop/cart deleted', 'DELETED');
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('near miss: deleted and applied again (a replace), endpoints back within the minute', () => {
    const { cluster, cart } = shop();
    cluster.deleteWorkload(cart);
    cluster.signal('service_unavailable', cluster.ref('Service', 'cart', 'shop'), { message: 'Service shop/cart has no ready endpoints (was 2)' });
    cluster.advance(40);
    cluster.signal('service_restored', cluster.ref('Service', 'cart', 'shop'), { message: 'Service shop/cart has 1 ready endpoint again' });
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'workload-deleted-service-empty'), summary(insights)).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('another workload of the namespace deleted is not the cause of an emptied Service it does not select', () => {
    const { cluster, checkout, cart } = shop();
    cluster.deleteWorkload(checkout);
    cluster.advance(5);
    cluster.signal('service_unavailable', cluster.ref('Service', 'cart', 'shop'), { message: 'Service shop/cart has no ready endpoints (was 2)' });
    cluster.advance(150);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'workload-deleted-service-empty'), summary(insights)).toEqual([]);
    expect(insights.some((insight) => rootIs(insight, cart.ref) || rootIs(insight, cluster.ref('Service', 'cart', 'shop'))), summary(insights)).toBe(true);
  });
});

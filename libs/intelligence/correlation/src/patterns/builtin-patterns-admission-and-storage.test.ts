import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import type { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { rootIs, shop, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

/** The ReplicaSet controller's FailedCreate, repeated with back-off over two and a half minutes, as the transformer tells it. */
function keepsRefusing(cluster: ClusterFixture, replicaSet: EntityRef, message: string, annotations: Record<string, string>) {
  for (const wait of [1, 2, 4, 8, 16, 32, 64, 30]) {
    cluster.signal('replica_create_failed', replicaSet, { message: `FailedCreate: Error creating: pods "${replicaSet.name}-" is forbidden: ${message}`, annotations });
    cluster.advance(wait);
  }
}

const MISSING_ACCOUNT = { message: 'error looking up service account shop/checkout-writer: serviceaccount "checkout-writer" not found', annotations: { 'cause.kind': 'ServiceAccount', 'cause.name': 'checkout-writer', 'cause.namespace': 'shop' } };
const POD_SECURITY = 'violates PodSecurity "restricted:latest": runAsNonRoot != true (pod or container "checkout" must set securityContext.runAsNonRoot=true)';

describe('pods a ReplicaSet cannot create', () => {
  it('a release that names a ServiceAccount that does not exist (no cause named: never deleted) is the rollout\u2019s', () => {
    const { cluster, checkout } = shop();
    cluster.rollout(checkout, 'spec.serviceAccountName added', 0);
    keepsRefusing(cluster, checkout.replicaSet as EntityRef, MISSING_ACCOUNT.message, {});
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-pods-cannot-start');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });

  it('a ServiceAccount deleted, then a routine restart its absence refuses: the deleted account, one incident', () => {
    const { cluster, checkout } = shop();
    cluster.object('resource_created', { kind: 'ServiceAccount', name: 'checkout-writer', namespace: 'shop', uid: 'sa-1', creationTimestamp: cluster.now }, 'ServiceAccount shop/checkout-writer exists');
    const account = cluster.ref('ServiceAccount', 'checkout-writer', 'shop');
    cluster.advance(60);
    cluster.object('resource_deleted', { kind: 'ServiceAccount', name: 'checkout-writer', namespace: 'shop', uid: 'sa-1' }, 'ServiceAccount shop/checkout-writer deleted', 'DELETED');
    cluster.advance(20);
    cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 0);
    keepsRefusing(cluster, checkout.replicaSet as EntityRef, MISSING_ACCOUNT.message, MISSING_ACCOUNT.annotations);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('admission-refused');
    expect(rootIs(insights[0], account), summary(insights)).toBe(true);
    expect(loud(insights).filter((insight) => !rootIs(insight, account)), summary(insights)).toEqual([]);
  });

  it('near miss: refused once, then created (the ServiceAccount applied a few seconds after the Deployment)', () => {
    const { cluster, checkout } = shop();
    cluster.rollout(checkout, 'spec.serviceAccountName added', 0);
    const replicaSet = checkout.replicaSet as EntityRef;
    cluster.signal('replica_create_failed', replicaSet, { message: `FailedCreate: Error creating: ${MISSING_ACCOUNT.message}`, annotations: MISSING_ACCOUNT.annotations });
    cluster.advance(5);
    cluster.signal('replica_created', replicaSet, { message: `SuccessfulCreate: Created pod: ${replicaSet.name}-q9w4z` });
    cluster.advance(300);
    expect(loud(analyze(cluster.events))).toEqual([]);
  });

  it('a full quota after a rollout stays the quota\u2019s, not the rollout\u2019s', () => {
    const { cluster, checkout } = shop();
    cluster.object('resource_created', { kind: 'ResourceQuota', name: 'compute', namespace: 'shop', uid: 'quota-1', creationTimestamp: cluster.now }, 'ResourceQuota shop/compute exists');
    cluster.advance(60);
    cluster.rollout(checkout, 'containers[checkout].image 2.14 -> 2.15', 0);
    keepsRefusing(cluster, checkout.replicaSet as EntityRef, 'exceeded quota: compute, requested: pods=1, used: pods=5, limited: pods=5', { 'cause.kind': 'ResourceQuota', 'cause.name': 'compute', 'cause.namespace': 'shop' });
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'rollout-pods-cannot-start'), summary(insights)).toEqual([]);
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'ResourceQuota', name: 'compute' });
  });

  it('a PriorityClass deleted, then a routine restart its absence refuses: the deleted class, one incident', () => {
    const { cluster, checkout } = shop();
    cluster.object('resource_created', { kind: 'PriorityClass', name: 'shop-high', uid: 'pc-1', creationTimestamp: cluster.now }, 'PriorityClass shop-high exists');
    const priorityClass = cluster.ref('PriorityClass', 'shop-high', null);
    cluster.advance(60);
    cluster.object('resource_deleted', { kind: 'PriorityClass', name: 'shop-high', uid: 'pc-1' }, 'PriorityClass shop-high deleted', 'DELETED');
    cluster.advance(20);
    cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 0);
    keepsRefusing(cluster, checkout.replicaSet as EntityRef, 'no PriorityClass with name shop-high was found', { 'cause.kind': 'PriorityClass', 'cause.name': 'shop-high' });
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], priorityClass), summary(insights)).toBe(true);
    expect(loud(insights).filter((insight) => !rootIs(insight, priorityClass)), summary(insights)).toEqual([]);
  });

  it('near miss: a class the new template names that never existed (no cause named) is the release\u2019s', () => {
    const { cluster, checkout } = shop();
    cluster.rollout(checkout, 'spec.template.spec.priorityClassName added', 0);
    keepsRefusing(cluster, checkout.replicaSet as EntityRef, 'no PriorityClass with name shop-high was found', {});
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-pods-cannot-start');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });

  it("a namespace that raised its Pod Security level, then a routine restart it refuses: the namespace's, one incident", () => {
    const { cluster, checkout } = shop();
    const namespace = cluster.ref('Namespace', 'shop', null);
    cluster.signal('admission_policy_changed', namespace, { message: 'Namespace shop changed its Pod Security admission: metadata.labels.pod-security.kubernetes.io/enforce added' });
    cluster.advance(15);
    cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 0);
    keepsRefusing(cluster, checkout.replicaSet as EntityRef, POD_SECURITY, { 'cause.kind': 'Namespace', 'cause.name': 'shop' });
    const insights = analyze(cluster.events);
    // The change and what it governs: the Namespace's own event is found from the refusal's side.
    expect(insights[0]?.pattern, summary(insights)).toBe('capacity-policy-change');
    expect(rootIs(insights[0], namespace), summary(insights)).toBe(true);
    expect(loud(insights).filter((insight) => !rootIs(insight, namespace)), summary(insights)).toEqual([]);
  });

  it('near miss: the same refusal under a level that stood (no cause named) is the release\u2019s', () => {
    const { cluster, checkout } = shop();
    cluster.rollout(checkout, 'spec.template.spec.securityContext removed', 0);
    keepsRefusing(cluster, checkout.replicaSet as EntityRef, POD_SECURITY, {});
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('rollout-pods-cannot-start');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });
});

describe('storage-limit-eviction', () => {
  const spool = { message: 'Evicted: Usage of EmptyDir volume "spool" exceeds the limit "8Mi". ', annotations: { 'eviction.limit': 'emptyDir' } };
  /** The kubelet evicting `pod` for its own limit, told twice as the transformer tells it (the Event and the pod's status). */
  function evicted(cluster: ClusterFixture, pod: EntityRef) {
    cluster.signal('pod_evicted', pod, spool);
    cluster.advance(3);
    cluster.signal('pod_evicted', pod, { ...spool, message: `Pod ${pod.namespace}/${pod.name} was evicted: ${spool.message.slice('Evicted: '.length)}` });
  }

  it('pods of a release evicted one after another for their emptyDir limit: the release', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'containers[checkout].env.SPOOL_MB 0 -> 1', 2);
    cluster.advance(40);
    evicted(cluster, fresh[0] as EntityRef);
    cluster.advance(40);
    evicted(cluster, fresh[1] as EntityRef);
    cluster.advance(30);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('storage-limit-eviction');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
    expect(withPattern(insights, 'scheduler-thrash'), summary(insights)).toEqual([]);
  });

  it('without a release, the workload whose pods break their limit is named, not the pod that went first', () => {
    const { cluster, cart } = shop();
    evicted(cluster, cart.pods[0] as EntityRef);
    cluster.advance(60);
    evicted(cluster, cart.pods[1] as EntityRef);
    cluster.advance(30);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('storage-limit-eviction');
    expect(rootIs(insights[0], cart.ref), summary(insights)).toBe(true);
  });

  it('near miss: one pod evicted once, its replacement runs', () => {
    const { cluster, cart } = shop();
    evicted(cluster, cart.pods[0] as EntityRef);
    cluster.replacePod(cart);
    cluster.advance(600);
    expect(loud(analyze(cluster.events))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { EntityRef, K8sObjectFacts } from '@tapio/domain';
import type { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { arrange, crashNewPods, rootIs } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, summary } from '../../test/support/engine.js';

/** A sync app whose pods run as ServiceAccount `stock-sync`, bound to Role `stock-sync` by RoleBinding `stock-sync`; a second app runs as `default`. */
function inventory(options: { bindingKind?: 'RoleBinding' | 'ClusterRoleBinding'; roleKind?: 'Role' | 'ClusterRole'; subjects?: string[] } = {}) {
  return arrange((cluster) => {
    const roleKind = options.roleKind ?? 'Role';
    const bindingKind = options.bindingKind ?? 'RoleBinding';
    const roleFacts: K8sObjectFacts = { kind: roleKind, name: 'stock-sync', ...(roleKind === 'Role' ? { namespace: 'inventory' } : {}), uid: 'role-uid' };
    cluster.object('resource_created', roleFacts, `${roleKind} stock-sync exists`);
    const bindingFacts: K8sObjectFacts = {
      kind: bindingKind,
      name: 'stock-sync',
      ...(bindingKind === 'RoleBinding' ? { namespace: 'inventory' } : {}),
      uid: 'binding-uid',
      roleRef: { kind: roleKind, name: 'stock-sync' },
      subjects: options.subjects ?? ['ServiceAccount:inventory/stock-sync'],
    };
    cluster.object('resource_created', bindingFacts, `${bindingKind} stock-sync exists`);
    const sync = cluster.workload('inventory', 'stock-sync', { replicas: 2, serviceAccount: 'stock-sync' });
    cluster.service(sync);
    const web = cluster.workload('inventory', 'storefront', { replicas: 2 });
    cluster.service(web);
    return { sync, web, roleFacts, bindingFacts, role: cluster.ref(roleKind, 'stock-sync', roleKind === 'Role' ? 'inventory' : null), binding: cluster.ref(bindingKind, 'stock-sync', bindingKind === 'RoleBinding' ? 'inventory' : null) };
  });
}

function narrow(cluster: ClusterFixture, facts: K8sObjectFacts, what = 'list, watch on configmaps'): void {
  const label = `${facts.kind} ${facts.namespace ? `${facts.namespace}/` : ''}${facts.name}`;
  cluster.signal('permission_changed', cluster.ref(facts.kind, facts.name, facts.namespace ?? null), {
    message: `${label} no longer grants ${what}`,
    annotations: { access: 'revoked', 'access.revoked': what },
    kubernetes: { watchType: 'MODIFIED', object: facts, changes: [{ path: 'rules[configmaps]', op: 'changed', before: 'get,list,watch', after: 'get' }] },
  });
}

function deleteBinding(cluster: ClusterFixture, facts: K8sObjectFacts): void {
  cluster.object('resource_deleted', facts, `${facts.kind} ${facts.namespace}/${facts.name} deleted`, 'DELETED');
  cluster.signal('permission_changed', cluster.ref(facts.kind, facts.name, facts.namespace ?? null), {
    message: `${facts.kind} ${facts.namespace}/${facts.name} deleted: no longer grants Role/stock-sync to ServiceAccount inventory/stock-sync`,
    annotations: { access: 'revoked', 'access.revoked': 'Role/stock-sync to ServiceAccount inventory/stock-sync' },
    kubernetes: { watchType: 'DELETED', object: facts },
  });
}

const expectRoot = (cluster: ClusterFixture, root: EntityRef) => {
  const insights = analyze(cluster.events);
  expect(rootIs(insights[0], root), summary(insights)).toBe(true);
  expect(insights[0]?.pattern).toBe('permission-revoked');
  return insights;
};

describe('permission-revoked', () => {
  it('a rule taken out of the Role the sync pods run with, then they crash: the Role', () => {
    const { cluster, sync, roleFacts, role } = inventory();
    narrow(cluster, roleFacts);
    cluster.advance(20);
    crashNewPods(cluster, sync.pods, 3);
    const insights = expectRoot(cluster, role);
    expect(insights[0]?.story).toContain('no longer grants list, watch on configmaps');
  });

  it('the RoleBinding deleted, then the pods crash: the RoleBinding (its facts outlive its edges)', () => {
    const { cluster, sync, bindingFacts, binding } = inventory();
    deleteBinding(cluster, bindingFacts);
    cluster.advance(20);
    crashNewPods(cluster, sync.pods, 3);
    expectRoot(cluster, binding);
  });

  it('its ServiceAccount taken out of the binding’s subjects: the RoleBinding, by the account the change names', () => {
    const { cluster, sync, bindingFacts, binding } = inventory({ subjects: ['ServiceAccount:inventory/stock-sync', 'User:audit'] });
    const after: K8sObjectFacts = { ...bindingFacts, subjects: ['User:audit'] };
    cluster.signal('permission_changed', binding, {
      message: 'RoleBinding inventory/stock-sync no longer grants Role/stock-sync to ServiceAccount inventory/stock-sync',
      annotations: { access: 'revoked', 'access.revoked': 'Role/stock-sync to ServiceAccount inventory/stock-sync', 'access.accounts': 'inventory/stock-sync' },
      kubernetes: { watchType: 'MODIFIED', object: after, changes: [{ path: 'subjects[ServiceAccount:inventory/stock-sync]', op: 'removed' }] },
    });
    cluster.advance(20);
    crashNewPods(cluster, sync.pods, 3);
    expectRoot(cluster, binding);
  });

  it('every pod refused and the Service emptied: one incident, the Role, the Service among what it affected', () => {
    const { cluster, sync, roleFacts, role } = inventory();
    narrow(cluster, roleFacts);
    cluster.advance(1);
    for (const pod of sync.pods) cluster.signal('pod_not_ready', pod, { message: `Pod inventory/${pod.name} is no longer ready` });
    cluster.advance(1);
    cluster.signal('service_unavailable', cluster.ref('Service', 'stock-sync', 'inventory'), { message: 'Service inventory/stock-sync has no ready endpoints (was 2)' });
    cluster.advance(2);
    crashNewPods(cluster, sync.pods, 3);
    cluster.advance(180);
    const insights = expectRoot(cluster, role);
    expect(insights.filter((insight) => insight.severity === 'critical' || insight.severity === 'high').length, summary(insights)).toBe(1);
  });

  it('a ClusterRole narrowed, granted by a ClusterRoleBinding: the ClusterRole', () => {
    const { cluster, sync, roleFacts, role } = inventory({ bindingKind: 'ClusterRoleBinding', roleKind: 'ClusterRole' });
    narrow(cluster, roleFacts);
    cluster.advance(20);
    crashNewPods(cluster, sync.pods, 3);
    expectRoot(cluster, role);
  });

  it('a binding to the whole namespace\u2019s accounts (a group) covers pods running as default', () => {
    const { cluster, web, roleFacts, role } = inventory({ subjects: ['Group:system:serviceaccounts:inventory'] });
    narrow(cluster, roleFacts);
    cluster.advance(20);
    crashNewPods(cluster, web.pods, 3);
    expectRoot(cluster, role);
  });

  it('pods running as another account are not blamed on the Role', () => {
    const { cluster, web, roleFacts, role } = inventory();
    narrow(cluster, roleFacts);
    cluster.advance(20);
    crashNewPods(cluster, web.pods, 3);
    const insights = analyze(cluster.events);
    expect(insights.some((insight) => rootIs(insight, role)), summary(insights)).toBe(false);
  });

  it('access granted, not taken, is not a cause', () => {
    const { cluster, sync, roleFacts, role } = inventory();
    cluster.signal('permission_changed', role, { message: 'Role inventory/stock-sync changed: rules[secrets] added', annotations: { access: 'granted' }, kubernetes: { watchType: 'MODIFIED', object: roleFacts } });
    cluster.advance(20);
    crashNewPods(cluster, sync.pods, 3);
    const insights = analyze(cluster.events);
    expect(insights.some((insight) => insight.pattern === 'permission-revoked'), summary(insights)).toBe(false);
  });

  it('pods already crashing before the Role changed are not blamed on it', () => {
    const { cluster, sync, roleFacts, role } = inventory();
    crashNewPods(cluster, sync.pods, 2);
    cluster.advance(20);
    narrow(cluster, roleFacts);
    cluster.advance(20);
    crashNewPods(cluster, sync.pods, 2);
    const insights = analyze(cluster.events);
    expect(insights.some((insight) => rootIs(insight, role)), summary(insights)).toBe(false);
  });
});

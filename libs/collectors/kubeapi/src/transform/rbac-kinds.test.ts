import { describe, expect, it } from 'vitest';
import { entityKey, type ResourceNode } from '@tapio/domain';
import { factsOf } from './facts.js';
import { KubeApiTransformer } from './kubeapi-transformer.js';
import { context, transformAll as run, watchAt as watch } from './kubeapi-transformer.test-support.js';
import { accessRevoked, accountsRevoked, rbacDigest } from './rbac-kinds.js';

const rbac = 'rbac.authorization.k8s.io/v1';

function role(rules: unknown[], resourceVersion = '10', kind = 'Role'): Record<string, unknown> {
  return { apiVersion: rbac, kind, metadata: { name: 'stock-sync', ...(kind === 'Role' ? { namespace: 'inventory' } : {}), uid: `u-${kind}`, resourceVersion }, rules };
}

function binding(subjects: unknown[], resourceVersion = '20', kind = 'RoleBinding'): Record<string, unknown> {
  return {
    apiVersion: rbac,
    kind,
    metadata: { name: 'stock-sync', ...(kind === 'RoleBinding' ? { namespace: 'inventory' } : {}), uid: `u-${kind}`, resourceVersion },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'stock-sync' },
    subjects,
  };
}

const READ_CONFIG = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'] },
];

describe('RBAC objects: what a change compares', () => {
  it('a role: verbs per group and resource, merged across rules, resource names and URLs apart', () => {
    const digest = rbacDigest(
      'ClusterRole',
      role(
        [
          { apiGroups: ['', 'apps'], resources: ['configmaps', 'deployments'], verbs: ['list', 'get'] },
          { apiGroups: [''], resources: ['configmaps'], verbs: ['watch'] },
          { apiGroups: [''], resources: ['secrets'], resourceNames: ['db'], verbs: ['get'] },
          { nonResourceURLs: ['/healthz'], verbs: ['get'] },
          { resources: ['pods'], verbs: [] },
        ],
        '1',
        'ClusterRole',
      ),
    );
    expect(digest).toEqual({
      'rules[configmaps]': 'get,list,watch',
      'rules[deployments]': 'get,list',
      'rules[apps/configmaps]': 'get,list',
      'rules[apps/deployments]': 'get,list',
      'rules[secrets db]': 'get',
      'nonResourceURLs[/healthz]': 'get',
    });
  });

  it('a binding: its roleRef and subjects, a ServiceAccount in the binding\u2019s namespace unless it names another', () => {
    const object = binding([{ kind: 'ServiceAccount', name: 'stock-sync' }, { kind: 'ServiceAccount', name: 'audit', namespace: 'ops' }, { kind: 'Group', name: 'system:serviceaccounts:inventory' }]);
    expect(rbacDigest('RoleBinding', object)).toEqual({ roleRef: 'Role/stock-sync', 'subjects[ServiceAccount:inventory/stock-sync]': 'bound', 'subjects[ServiceAccount:ops/audit]': 'bound', 'subjects[Group:system:serviceaccounts:inventory]': 'bound' });
    expect(factsOf(object)).toMatchObject({ roleRef: { kind: 'Role', name: 'stock-sync' }, subjects: ['Group:system:serviceaccounts:inventory', 'ServiceAccount:inventory/stock-sync', 'ServiceAccount:ops/audit'] });
  });

  it('names the accounts a binding change took its role from, groups of accounts as wildcards', () => {
    const before = { roleRef: 'Role/sync', 'subjects[ServiceAccount:a/b]': 'bound', 'subjects[Group:system:serviceaccounts:c]': 'bound', 'subjects[Group:system:serviceaccounts]': 'bound', 'subjects[User:jane]': 'bound' };
    expect(accountsRevoked(before, { roleRef: 'Role/sync' })).toEqual(['c/*', '*/*', 'a/b']);
    expect(accountsRevoked(before, before)).toEqual([]);
  });

  it('says which verbs and subjects a change took away; a wildcard after covers every verb', () => {
    expect(accessRevoked({ 'rules[configmaps]': 'get,list,watch', 'rules[leases]': 'get' }, { 'rules[configmaps]': 'get' })).toEqual(['list, watch on configmaps', 'get on leases']);
    expect(accessRevoked({ 'rules[configmaps]': 'get,list' }, { 'rules[configmaps]': '*' })).toEqual([]);
    // Widened to wildcards: nothing taken; a named resource covered by the whole resource.
    expect(accessRevoked({ 'rules[configmaps]': 'get,list', 'rules[apps/deployments]': 'get', 'rules[secrets db]': 'get' }, { 'rules[*]': 'get,list', 'rules[*/deployments]': 'get', 'rules[secrets]': 'get' })).toEqual([]);
    expect(accessRevoked({ 'rules[apps/deployments]': 'get,list' }, { 'rules[*/*]': 'get' })).toEqual(['list on apps/deployments']);
    expect(accessRevoked({ 'rules[configmaps]': 'get' }, { 'rules[configmaps]': 'get,list', 'rules[secrets]': 'get' })).toEqual([]);
    expect(accessRevoked({ roleRef: 'Role/sync', 'subjects[ServiceAccount:a/b]': 'bound', 'subjects[User:jane]': 'bound' }, { roleRef: 'Role/sync', 'subjects[User:jane]': 'bound' })).toEqual(['Role/sync to ServiceAccount a/b']);
  });

  it('a pod and a pod template name the ServiceAccount they run as', () => {
    expect(factsOf({ kind: 'Pod', metadata: { name: 'p', namespace: 'inventory' }, spec: { serviceAccountName: 'stock-sync', containers: [] } }).serviceAccountName).toBe('stock-sync');
    expect(factsOf({ kind: 'Deployment', metadata: { name: 'd', namespace: 'inventory' }, spec: { template: { spec: { serviceAccount: 'legacy', containers: [] } } } }).serviceAccountName).toBe('legacy');
    expect(factsOf({ kind: 'Pod', metadata: { name: 'p', namespace: 'inventory' }, spec: { containers: [] } }).serviceAccountName).toBeUndefined();
  });
});

describe('kubeapi transformer: RBAC changes', () => {
  it('a rule taken out of a Role is permission_changed, access revoked, naming what was taken', () => {
    const events = run([watch('ADDED', role(READ_CONFIG), 0), watch('MODIFIED', role([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }, READ_CONFIG[1]], '11'), 30)]);
    const change = events.find((event) => event.type === 'permission_changed');
    expect(change?.entity).toMatchObject({ kind: 'Role', namespace: 'inventory', name: 'stock-sync' });
    expect(change?.annotations).toEqual({ access: 'revoked', 'access.revoked': 'list, watch on configmaps' });
    expect(change?.message).toBe('Role inventory/stock-sync no longer grants list, watch on configmaps');
    expect(change?.kubernetes?.changes).toEqual([{ path: 'rules[configmaps]', op: 'changed', before: 'get,list,watch', after: 'get' }]);
  });

  it('a rule added is permission_changed, access granted; the same rules reordered are no change', () => {
    const wider = [...READ_CONFIG, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }];
    const events = run([watch('ADDED', role(READ_CONFIG), 0), watch('MODIFIED', role(wider, '11'), 30), watch('MODIFIED', role([...wider].reverse(), '12'), 60)]);
    const changes = events.filter((event) => event.type === 'permission_changed');
    expect(changes.map((event) => event.annotations?.['access'])).toEqual(['granted']);
    expect(changes[0]?.message).toContain('rules[secrets]');
  });

  it('a deleted binding takes away its role from its subjects: resource_deleted and permission_changed', () => {
    const subjects = [{ kind: 'ServiceAccount', name: 'stock-sync' }];
    const events = run([watch('ADDED', binding(subjects), 0), watch('DELETED', binding(subjects, '21'), 40)]);
    expect(events.map((event) => event.type)).toEqual(['resource_created', 'resource_deleted', 'permission_changed']);
    const change = events[2];
    expect(change?.annotations).toEqual({ access: 'revoked', 'access.revoked': 'Role/stock-sync to ServiceAccount inventory/stock-sync', 'access.accounts': 'inventory/stock-sync' });
    expect(change?.message).toBe('RoleBinding inventory/stock-sync deleted: no longer grants Role/stock-sync to ServiceAccount inventory/stock-sync');
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
  });

  it('a subject taken out of a ClusterRoleBinding is access revoked; a deleted role with no rules revokes nothing', () => {
    const both = [{ kind: 'ServiceAccount', name: 'a', namespace: 'x' }, { kind: 'ServiceAccount', name: 'b', namespace: 'y' }];
    const events = run([watch('ADDED', binding(both, '1', 'ClusterRoleBinding'), 0), watch('MODIFIED', binding([both[0]], '2', 'ClusterRoleBinding'), 10), watch('ADDED', role([], '3'), 20), watch('DELETED', role([], '4'), 30)]);
    const changes = events.filter((event) => event.type === 'permission_changed');
    expect(changes.map((event) => event.annotations?.['access.revoked'])).toEqual(['Role/stock-sync to ServiceAccount y/b']);
    expect(changes[0]?.annotations?.['access.accounts']).toBe('y/b');
  });
});

describe('kubeapi transformer after a restart: a binding changed while it was away', () => {
  /** What the graph holds after a first Tapio saw `object`: the node its lifecycle event set. */
  function stored(object: Record<string, unknown>): ResourceNode {
    const [event] = new KubeApiTransformer().transform(watch('ADDED', object), context(1));
    return { key: entityKey(event!.entity!), ref: event!.entity!, facts: event!.kubernetes!.object!, deleted: false, updatedAt: event!.timestamp };
  }

  it('tells a subject taken out from the facts the graph kept; the same subjects are no change', () => {
    const both = [{ kind: 'ServiceAccount', name: 'stock-sync' }, { kind: 'User', name: 'audit' }];
    const transformer = new KubeApiTransformer();
    transformer.remember([stored(binding(both))]);
    const events = transformer.transform(watch('ADDED', binding([both[1]], '25'), 60), context(2));
    const change = events.find((event) => event.type === 'permission_changed');
    expect(change?.message).toBe('RoleBinding inventory/stock-sync no longer grants Role/stock-sync to ServiceAccount inventory/stock-sync while Tapio was not watching');
    expect(change?.annotations).toMatchObject({ access: 'revoked', 'access.accounts': 'inventory/stock-sync' });
    const again = new KubeApiTransformer();
    again.remember([stored(binding(both))]);
    expect(again.transform(watch('ADDED', binding(both, '26'), 60), context(3)).map((event) => event.type)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { entityKey, type K8sObjectFacts, type ResourceNode, type TopologyRelationship } from '@tapio/domain';
import { authorizes, serviceAccountOf } from './authorizes.js';

const key = (kind: string, name: string, namespace: string | null) => entityKey({ kind, name, namespace, cluster: 'c' });

/** A topology of facts and edges, enough for the reads `authorizes` makes. */
function view(nodes: K8sObjectFacts[], edges: Array<[TopologyRelationship, string, string]>, owners: Record<string, string[]> = {}) {
  const byKey = new Map(nodes.map((facts) => [key(facts.kind, facts.name, facts.namespace ?? null), { key: key(facts.kind, facts.name, facts.namespace ?? null), ref: { kind: facts.kind, name: facts.name, cluster: 'c' }, facts, deleted: false, updatedAt: '' } as ResourceNode]));
  return {
    resource: (at: string) => byKey.get(at),
    ownerChain: (at: string) => owners[at] ?? [],
    neighbours: (at: string, type: TopologyRelationship, direction: 'out' | 'in') => edges.filter(([edge, from, to]) => edge === type && (direction === 'out' ? from === at : to === at)).map(([, from, to]) => (direction === 'out' ? to : from)),
  };
}

const pod = (name: string, namespace: string, serviceAccountName?: string): K8sObjectFacts => ({ kind: 'Pod', name, namespace, ...(serviceAccountName ? { serviceAccountName } : {}) });
const binding = (kind: string, name: string, namespace: string | null, roleRef: { kind: string; name: string }, subjects: string[]): K8sObjectFacts => ({ kind, name, ...(namespace ? { namespace } : {}), roleRef, subjects });

describe('authorizes', () => {
  const sync = pod('sync-1', 'shop', 'sync');
  const plain = pod('web-1', 'shop');
  const local = binding('RoleBinding', 'sync', 'shop', { kind: 'Role', name: 'reader' }, ['ServiceAccount:shop/sync']);
  // An account of another namespace bound in this one: a monitor reading every app namespace.
  const remote = binding('RoleBinding', 'monitor', 'shop', { kind: 'ClusterRole', name: 'view' }, ['ServiceAccount:ops/monitor']);
  const monitor = pod('monitor-1', 'ops', 'monitor');
  const edges: Array<[TopologyRelationship, string, string]> = [
    ['GRANTS', key('RoleBinding', 'sync', 'shop'), key('ServiceAccount', 'sync', 'shop')],
    ['BINDS', key('RoleBinding', 'sync', 'shop'), key('Role', 'reader', 'shop')],
    ['GRANTS', key('RoleBinding', 'monitor', 'shop'), key('ServiceAccount', 'monitor', 'ops')],
    ['BINDS', key('RoleBinding', 'monitor', 'shop'), key('ClusterRole', 'view', null)],
  ];
  const state = view([sync, plain, local, remote, monitor, { kind: 'Role', name: 'reader', namespace: 'shop' }, { kind: 'Role', name: 'reader', namespace: 'other' }], edges);

  it('a binding authorizes the pods running as an account it names, wherever the account lives', () => {
    expect(authorizes(state, key('RoleBinding', 'sync', 'shop'), key('Pod', 'sync-1', 'shop'))).toBe(true);
    expect(authorizes(state, key('RoleBinding', 'sync', 'shop'), key('Pod', 'web-1', 'shop'))).toBe(false);
    expect(authorizes(state, key('RoleBinding', 'monitor', 'shop'), key('Pod', 'monitor-1', 'ops'))).toBe(true);
  });

  it('a role authorizes through its bindings: the same-named Role of another namespace does not', () => {
    expect(authorizes(state, key('Role', 'reader', 'shop'), key('Pod', 'sync-1', 'shop'))).toBe(true);
    expect(authorizes(state, key('Role', 'reader', 'other'), key('Pod', 'sync-1', 'shop'))).toBe(false);
    expect(authorizes(state, key('ClusterRole', 'view', null), key('Pod', 'monitor-1', 'ops'))).toBe(true);
    expect(authorizes(state, key('ClusterRole', 'view', null), key('Pod', 'sync-1', 'shop'))).toBe(false);
  });

  it('only what runs as an account is authorized: not a Service, not another RBAC object', () => {
    expect(authorizes(state, key('RoleBinding', 'sync', 'shop'), key('Service', 'sync', 'shop'))).toBe(false);
    expect(authorizes(state, key('Role', 'reader', 'shop'), key('RoleBinding', 'sync', 'shop'))).toBe(false);
  });

  it('a pod naming no account runs as its namespace\u2019s default; a workload\u2019s template names it for its pods', () => {
    expect(serviceAccountOf(state, key('Pod', 'web-1', 'shop'))).toEqual({ namespace: 'shop', name: 'default' });
    const owned = view([pod('api-1', 'shop'), { kind: 'Deployment', name: 'api', namespace: 'shop', serviceAccountName: 'api' }], [], { [key('Pod', 'api-1', 'shop')]: [key('Deployment', 'api', 'shop')] });
    expect(serviceAccountOf(owned, key('Pod', 'api-1', 'shop'))).toEqual({ namespace: 'shop', name: 'api' });
  });
});

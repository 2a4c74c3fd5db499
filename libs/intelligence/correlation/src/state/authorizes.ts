import { BINDING_KINDS, entityKey, parseEntityKey, ROLE_KINDS, WORKLOAD_KINDS, type CorrelationState, type IndexedEvent } from '@tapio/domain';

type TopologyView = Pick<CorrelationState, 'resource' | 'ownerChain' | 'neighbours'>;

/** What runs as a ServiceAccount: pods, and the workloads through their pod templates. */
const runsAsAccount = (key: string): boolean => {
  const kind = parseEntityKey(key)?.kind ?? '';
  return kind === 'Pod' || WORKLOAD_KINDS.has(kind);
};

/**
 * The ServiceAccount a pod, or a workload through its pod template, runs as: the first of
 * its own and its owners' facts that names one, else the namespace's `default` (what the
 * API server gives a pod that names none).
 */
export function serviceAccountOf(state: TopologyView, target: string): { namespace: string; name: string } | undefined {
  const namespace = parseEntityKey(target)?.namespace;
  if (!namespace) return undefined;
  for (const key of [target, ...state.ownerChain(target)]) {
    const name = state.resource(key)?.facts?.serviceAccountName;
    if (name) return { namespace, name };
  }
  return { namespace, name: 'default' };
}

/** Whether a binding's subjects name the account: itself, all accounts, or all of its namespace's. */
function bindsAccount(subjects: readonly string[] | undefined, account: { namespace: string; name: string }): boolean {
  if (!subjects) return false;
  return subjects.includes(`ServiceAccount:${account.namespace}/${account.name}`) || subjects.includes('Group:system:serviceaccounts') || subjects.includes(`Group:system:serviceaccounts:${account.namespace}`);
}

/**
 * Whether an RBAC object (Role, ClusterRole, RoleBinding, ClusterRoleBinding) gives `target`
 * (a Pod or a workload) what it is allowed to do: a binding whose subjects name the target's
 * ServiceAccount, or a role such a binding refers to. Bindings are read from their facts (a
 * deleted binding keeps its facts); a role's, the live bindings that name it (BINDS) or grant
 * the account (GRANTS), so a deleted role still relates while a binding still names it.
 */
export function authorizes(state: TopologyView, rbac: string, target: string): boolean {
  const ref = parseEntityKey(rbac);
  if (!ref || rbac === target || !(BINDING_KINDS.has(ref.kind) || ROLE_KINDS.has(ref.kind))) return false;
  if (!runsAsAccount(target)) return false;
  const account = serviceAccountOf(state, target);
  if (!account) return false;
  if (BINDING_KINDS.has(ref.kind)) return bindsAccount(state.resource(rbac)?.facts?.subjects, account);
  // The role's bindings: those granting the account by name (kept while a deleted role's
  // bindings still name it), and those that point at the live role (a group of accounts).
  const accountKey = entityKey({ kind: 'ServiceAccount', name: account.name, namespace: account.namespace, ...(ref.cluster ? { cluster: ref.cluster } : {}) });
  const bindings = new Set([...state.neighbours(accountKey, 'GRANTS', 'in'), ...state.neighbours(rbac, 'BINDS', 'in')]);
  for (const binding of bindings) {
    const facts = state.resource(binding)?.facts;
    if (facts?.roleRef?.kind !== ref.kind || facts.roleRef.name !== ref.name || !bindsAccount(facts.subjects, account)) continue;
    // A RoleBinding's Role is the one in its own namespace.
    if (ref.kind === 'ClusterRole' || parseEntityKey(binding)?.namespace === ref.namespace) return true;
  }
  return false;
}

/**
 * Whether an RBAC change names the account `target` runs as among those it took access from
 * (`annotations.access.accounts`: a ServiceAccount taken out of a binding's subjects, which the
 * binding's facts no longer name).
 */
export function namesRevokedAccount(state: TopologyView, change: IndexedEvent, target: string | undefined): boolean {
  const named = change.event.annotations?.['access.accounts'];
  if (!named || !target || !runsAsAccount(target)) return false;
  const account = serviceAccountOf(state, target);
  if (!account) return false;
  return named.split(',').some((item) => item === `${account.namespace}/${account.name}` || item === `${account.namespace}/*` || item === '*/*');
}

/** Whether an RBAC change that took access away covered what `target` runs as: by the object's relation to it, or by the accounts it names. */
export function revokedAccessOf(state: TopologyView, change: IndexedEvent, target: string): boolean {
  if (change.event.annotations?.['access'] !== 'revoked' || !change.entityKey) return false;
  return authorizes(state, change.entityKey, target) || namesRevokedAccount(state, change, target);
}

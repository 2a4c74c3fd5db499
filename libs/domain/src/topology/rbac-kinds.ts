/**
 * RBAC's kinds: a Role or ClusterRole lists what may be done, a RoleBinding or
 * ClusterRoleBinding grants one to its subjects. The Kubernetes API collector reads their
 * changes and the correlation engine walks from a pod's account to them: one definition.
 */
export const ROLE_KINDS: ReadonlySet<string> = new Set(['Role', 'ClusterRole']);
export const BINDING_KINDS: ReadonlySet<string> = new Set(['RoleBinding', 'ClusterRoleBinding']);

export function isRbacKind(kind: string): boolean {
  return ROLE_KINDS.has(kind) || BINDING_KINDS.has(kind);
}

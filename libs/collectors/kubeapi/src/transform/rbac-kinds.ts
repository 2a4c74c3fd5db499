import { BINDING_KINDS, isRbacKind, ROLE_KINDS, type ChangeItem, type K8sObjectFacts } from '@tapio/domain';
import { arr, obj, str, type Json } from './k8s-object.js';

/**
 * RBAC: who may do what. A Role or ClusterRole lists what may be done; a RoleBinding or
 * ClusterRoleBinding grants one to its subjects. A pod calls the API server as its
 * ServiceAccount, so a rule taken out of its Role, or its binding deleted, makes every
 * later call it makes refused (403): an operator or a sync job that lists objects then exits
 * and crash-loops with nothing in its own spec changed. This module reads the objects into
 * what a change compares, and says what access a change took away.
 */

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.length > 0) : [];
}

/** A rule's API groups: `''` is the core group (pods, configmaps), and a rule naming none means it. */
function groupsOf(rule: Json): string[] {
  const groups = Array.isArray(rule['apiGroups']) ? (rule['apiGroups'] as unknown[]).filter((group): group is string => typeof group === 'string') : [''];
  return [...new Set(groups.length ? groups : [''])];
}

/** A binding's roleRef: the Role (in the binding's namespace) or ClusterRole it grants. */
export function roleRefOf(object: Json): K8sObjectFacts['roleRef'] {
  const ref = obj(object['roleRef']);
  const kind = str(ref['kind']);
  const name = str(ref['name']);
  return kind && name ? { kind, name } : undefined;
}

/**
 * A binding's subjects as `ServiceAccount:namespace/name`, `Group:name`, `User:name`; a
 * ServiceAccount subject without a namespace is the binding's own namespace's. Sorted.
 */
export function subjectsOf(object: Json, namespace: string | undefined): string[] | undefined {
  const subjects = arr(object['subjects'])
    .map((subject) => {
      const kind = str(subject['kind']);
      const name = str(subject['name']);
      if (!kind || !name) return undefined;
      if (kind !== 'ServiceAccount') return `${kind}:${name}`;
      const home = str(subject['namespace']) ?? namespace;
      return home ? `${kind}:${home}/${name}` : undefined;
    })
    .filter((subject): subject is string => subject !== undefined);
  return subjects.length ? [...new Set(subjects)].sort() : undefined;
}

/**
 * What a change compares: a role's rules as `rules[group/resource name]` → its verbs, merged
 * across rules (a verb moved from one rule to another is no change) and sorted; non-resource
 * URLs as `nonResourceURLs[path]`; a binding's roleRef and one `subjects[...]` entry per subject.
 */
export function rbacDigest(kind: string, object: Json): Record<string, string> {
  const digest: Record<string, string> = {};
  if (BINDING_KINDS.has(kind)) return bindingDigest(roleRefOf(object), subjectsOf(object, str(obj(object['metadata'])['namespace'])));
  const verbs = new Map<string, Set<string>>();
  const grant = (key: string, granted: readonly string[]) => {
    let set = verbs.get(key);
    if (!set) verbs.set(key, (set = new Set()));
    for (const verb of granted) set.add(verb);
  };
  for (const rule of arr(object['rules'])) {
    const granted = strings(rule['verbs']);
    if (!granted.length) continue;
    for (const url of strings(rule['nonResourceURLs'])) grant(`nonResourceURLs[${url}]`, granted);
    const names = strings(rule['resourceNames']);
    for (const group of groupsOf(rule)) {
      for (const resource of strings(rule['resources'])) {
        const what = group ? `${group}/${resource}` : resource;
        if (!names.length) grant(`rules[${what}]`, granted);
        for (const name of names) grant(`rules[${what} ${name}]`, granted);
      }
    }
  }
  for (const [key, set] of verbs) digest[key] = [...set].sort().join(',');
  return digest;
}

function bindingDigest(roleRef: K8sObjectFacts['roleRef'], subjects: readonly string[] | undefined): Record<string, string> {
  const digest: Record<string, string> = {};
  if (roleRef) digest['roleRef'] = `${roleRef.kind}/${roleRef.name}`;
  for (const subject of subjects ?? []) digest[`subjects[${subject}]`] = 'bound';
  return digest;
}

/** A binding's digest from the facts the graph keeps (roleRef, subjects): what a restarted Tapio compares a binding with. */
export function bindingDigestOfFacts(facts: K8sObjectFacts): Record<string, string> {
  return bindingDigest(facts.roleRef, facts.subjects);
}

/** `rules[apps/deployments]` → `apps/deployments`; `subjects[User:x]` → `User:x`. */
function inside(key: string): string {
  const open = key.indexOf('[');
  return open >= 0 && key.endsWith(']') ? key.slice(open + 1, -1) : key;
}

/**
 * The verbs `after` grants on what `key` names: on it, and on the wildcards that cover it (any
 * resource of its group, its resource in any group, anything; a resource without a name for a
 * named one), so a role widened to `*` takes nothing away.
 */
function grantedAfter(after: Record<string, string>, key: string): string[] {
  const verbs = (at: string) => (after[at] === undefined ? [] : (after[at] as string).split(','));
  if (!key.startsWith('rules[')) return verbs(key);
  const [what = '', name] = inside(key).split(' ');
  const slash = what.lastIndexOf('/');
  const group = slash >= 0 ? what.slice(0, slash) : '';
  const resource = slash >= 0 ? what.slice(slash + 1) : what;
  const prefix = group ? `${group}/` : '';
  const covering = [key, ...(name ? [`rules[${what}]`] : []), `rules[${prefix}*]`, `rules[*/${resource}]`, 'rules[*/*]'];
  return covering.flatMap(verbs);
}

/**
 * The access a change took away, one phrase each: verbs no longer granted on a resource
 * ("list, watch on configmaps"), a subject no longer bound ("ServiceAccount shop/sync"). A
 * wildcard verb granted after covers every verb before. Empty when nothing was taken.
 */
export function accessRevoked(before: Record<string, string>, after: Record<string, string>): string[] {
  const lost: string[] = [];
  for (const key of Object.keys(before).sort()) {
    if (key === 'roleRef') continue;
    const was = (before[key] ?? '').split(',');
    const now = grantedAfter(after, key);
    if (now.includes('*')) continue;
    const taken = was.filter((verb) => !now.includes(verb));
    if (!taken.length) continue;
    if (key.startsWith('subjects[')) lost.push(`${before['roleRef'] ?? 'its role'} to ${inside(key).replace(':', ' ')}`);
    else lost.push(`${taken.join(', ')} on ${inside(key)}`);
  }
  return lost;
}

/**
 * The ServiceAccounts a binding change took its role from, as `namespace/name`, with `*` for
 * any name or namespace (the service-account groups): the correlation cannot read them from the
 * binding once its subjects no longer name them.
 */
export function accountsRevoked(before: Record<string, string>, after: Record<string, string>): string[] {
  const accounts: string[] = [];
  for (const key of Object.keys(before).sort()) {
    if (!key.startsWith('subjects[') || key in after) continue;
    const subject = inside(key);
    if (subject.startsWith('ServiceAccount:')) accounts.push(subject.slice('ServiceAccount:'.length));
    else if (subject === 'Group:system:serviceaccounts') accounts.push('*/*');
    else if (subject.startsWith('Group:system:serviceaccounts:')) accounts.push(`${subject.slice('Group:system:serviceaccounts:'.length)}/*`);
  }
  return accounts;
}

/** The annotations of a change that took access away: what was taken, and from which accounts when it names them. */
export function revokedAnnotations(revoked: readonly string[], accounts: readonly string[]): Record<string, string> {
  return { access: 'revoked', 'access.revoked': revoked.join('; '), ...(accounts.length ? { 'access.accounts': accounts.join(',') } : {}) };
}

function listed(revoked: readonly string[]): string {
  return `${revoked.slice(0, 3).join('; ')}${revoked.length > 3 ? ` and ${revoked.length - 3} more` : ''}`;
}

/** What a change's event says: the access taken (first three), else what changed. */
export function describeAccessChange(label: string, revoked: readonly string[], changes: readonly ChangeItem[], describe: (changes: readonly ChangeItem[]) => string): string {
  return revoked.length ? `${label} no longer grants ${listed(revoked)}` : `${label} changed: ${describe(changes)}`;
}

/**
 * A deleted role or binding takes away all the access it gave: the message and annotations of
 * the `permission_changed` beside its `resource_deleted`; undefined when it gave none (or is
 * not a role or binding).
 */
export function permissionDeletion(kind: string, object: Json, label: string): { message: string; annotations: Record<string, string> } | undefined {
  if (!isRbacKind(kind)) return undefined;
  const digest = rbacDigest(kind, object);
  const revoked = accessRevoked(digest, {});
  if (!revoked.length) return undefined;
  return { message: `${label} deleted: no longer grants ${listed(revoked)}`, annotations: revokedAnnotations(revoked, accountsRevoked(digest, {})) };
}

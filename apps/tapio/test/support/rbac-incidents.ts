import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor } from './recording-editor.js';
import { crash } from './config-cascade-course.js';
import { records, ref, spec, type Json } from './rollout-steps.js';
import type { SyntheticIncident } from './synthetic-incidents.js';

const RBAC = 'rbac.authorization.k8s.io/v1';

/**
 * How access is taken from an app that calls the API server (a sync job listing ConfigMaps):
 * - `rule`: list and watch taken out of its Role (blamed: the Role);
 * - `binding`: its RoleBinding deleted (the RoleBinding);
 * - `subject`: its ServiceAccount taken out of the binding's subjects, another kept (the RoleBinding);
 * - `cluster-role`: granted by a ClusterRole through a ClusterRoleBinding, the ClusterRole narrowed (the ClusterRole);
 * - `unused-rule`: a rule it never uses (leases) taken out: nothing fails (benign).
 */
export type Revocation = 'rule' | 'binding' | 'subject' | 'cluster-role' | 'unused-rule';

interface Grant {
  role: K8sObject;
  binding: K8sObject;
}

const rules = (configMapVerbs: string[], leases: boolean): Json[] => [
  { apiGroups: [''], resources: ['configmaps'], verbs: configMapVerbs },
  ...(leases ? [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'] }] : []),
];

/** From the start, the Deployment's pods run as their own ServiceAccount, granted reading ConfigMaps and leases by a Role (or ClusterRole) through a binding. */
function runAsOwnAccount(editor: RecordingEditor, namespace: string, deployment: string, clusterWide: boolean): Grant {
  const account = `${deployment}-sync`;
  editor.add({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace, uid: editor.uid() } });
  const scope = clusterWide ? {} : { namespace };
  const role = editor.add({ apiVersion: RBAC, kind: clusterWide ? 'ClusterRole' : 'Role', metadata: { name: account, ...scope, uid: editor.uid() }, rules: rules(['get', 'list', 'watch'], true) });
  const binding = editor.add({
    apiVersion: RBAC,
    kind: clusterWide ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata: { name: account, ...scope, uid: editor.uid() },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: role.kind, name: account },
    subjects: [{ kind: 'ServiceAccount', name: account, namespace }, { kind: 'User', name: 'audit-reader' }],
  });
  const runAs = (podSpec: Json) => {
    podSpec['serviceAccountName'] = account;
    podSpec['serviceAccount'] = account;
  };
  editor.rewriteStart('Deployment', namespace, deployment, (object) => runAs(spec(spec(object)['template'] as K8sObject)));
  for (const set of editor.find('ReplicaSet', (rs) => rs.metadata.namespace === namespace && records(rs.metadata['ownerReferences']).some((owner) => owner['name'] === deployment))) {
    editor.rewriteStart('ReplicaSet', namespace, set.metadata.name, (object) => runAs(spec(spec(object)['template'] as K8sObject)));
  }
  for (const pod of editor.podsOf(namespace, deployment)) editor.rewriteStart('Pod', namespace, pod.metadata.name, (object) => runAs(spec(object)));
  return { role, binding };
}

/** Takes the access away as `how` says; returns what is to blame (undefined: nothing the app uses was taken). */
function revoke(editor: RecordingEditor, grant: Grant, how: Revocation): K8sObject | undefined {
  const { role, binding } = grant;
  const namespace = role.metadata.namespace;
  switch (how) {
    case 'rule':
    case 'cluster-role':
      return editor.modify(role.kind, namespace, role.metadata.name, (object) => void (object['rules'] = rules(['get'], true)));
    case 'unused-rule':
      editor.modify(role.kind, namespace, role.metadata.name, (object) => void (object['rules'] = rules(['get', 'list', 'watch'], false)));
      return undefined;
    case 'binding':
      editor.delete(binding.kind, binding.metadata.namespace, binding.metadata.name);
      return binding;
    case 'subject':
      return editor.modify(binding.kind, binding.metadata.namespace, binding.metadata.name, (object) => void (object['subjects'] = records(object['subjects']).filter((subject) => subject['kind'] !== 'ServiceAccount')));
  }
}

/**
 * A Deployment whose pods list ConfigMaps through the API server as their own ServiceAccount;
 * three minutes in, access is taken away (`how`), and, unless what was taken is unused, each
 * of its pods is refused on its next call, exits 1 and crash-loops.
 */
export function permissionRevoked(recording: readonly RecordedLine[], namespace: string, deployment: string, how: Revocation, seed = 'rbac'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const grant = runAsOwnAccount(editor, namespace, deployment, how === 'cluster-role');
  editor.advance(180);
  const blamed = revoke(editor, grant, how);
  editor.advance(15);
  if (blamed) for (const pod of editor.podsOf(namespace, deployment)) crash(editor, pod);
  editor.advance(blamed ? 120 : 240);
  return { lines: editor.lines, accept: blamed ? [ref(blamed)] : [] };
}

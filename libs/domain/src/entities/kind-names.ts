/**
 * How people type Kubernetes kinds: `pod`, `pods`, `po`, `Deployment`, `deploy`, `svc`...
 * the way kubectl accepts them. Maps each spelling (lower-cased) to the canonical kind
 * the graph uses, so the API and the CLI agree on what `tapio why svc shop/checkout` means.
 */
const KIND_SPELLINGS: ReadonlyArray<readonly [kind: string, ...spellings: string[]]> = [
  ['Pod', 'pod', 'pods', 'po'],
  ['Deployment', 'deployment', 'deployments', 'deploy'],
  ['ReplicaSet', 'replicaset', 'replicasets', 'rs'],
  ['StatefulSet', 'statefulset', 'statefulsets', 'sts'],
  ['DaemonSet', 'daemonset', 'daemonsets', 'ds'],
  ['Job', 'job', 'jobs'],
  ['CronJob', 'cronjob', 'cronjobs', 'cj'],
  ['Service', 'service', 'services', 'svc'],
  ['Endpoints', 'endpoints', 'ep'],
  ['Ingress', 'ingress', 'ingresses', 'ing'],
  ['ConfigMap', 'configmap', 'configmaps', 'cm'],
  ['Secret', 'secret', 'secrets'],
  ['PersistentVolumeClaim', 'persistentvolumeclaim', 'persistentvolumeclaims', 'pvc'],
  ['PersistentVolume', 'persistentvolume', 'persistentvolumes', 'pv'],
  ['Node', 'node', 'nodes', 'no'],
  ['Namespace', 'namespace', 'namespaces', 'ns'],
  ['NetworkPolicy', 'networkpolicy', 'networkpolicies', 'netpol'],
  ['HorizontalPodAutoscaler', 'horizontalpodautoscaler', 'horizontalpodautoscalers', 'hpa'],
  ['StorageClass', 'storageclass', 'storageclasses', 'sc'],
  ['VolumeAttachment', 'volumeattachment', 'volumeattachments'],
  ['PriorityClass', 'priorityclass', 'priorityclasses', 'pc'],
  ['ServiceAccount', 'serviceaccount', 'serviceaccounts', 'sa'],
  ['PodDisruptionBudget', 'poddisruptionbudget', 'poddisruptionbudgets', 'pdb'],
  ['ValidatingWebhookConfiguration', 'validatingwebhookconfiguration', 'validatingwebhookconfigurations'],
  ['MutatingWebhookConfiguration', 'mutatingwebhookconfiguration', 'mutatingwebhookconfigurations'],
  ['Role', 'role', 'roles'],
  ['RoleBinding', 'rolebinding', 'rolebindings'],
  ['ClusterRole', 'clusterrole', 'clusterroles'],
  ['ClusterRoleBinding', 'clusterrolebinding', 'clusterrolebindings'],
  ['CustomResourceDefinition', 'customresourcedefinition', 'customresourcedefinitions', 'crd', 'crds'],
  ['Host', 'host', 'hosts'],
];

const BY_SPELLING = new Map<string, string>(KIND_SPELLINGS.flatMap(([kind, ...spellings]) => spellings.map((spelling) => [spelling, kind] as const)));

/** The canonical kind for a spelling, case-insensitive; undefined when Tapio does not know it. */
export function canonicalKind(spelling: string): string | undefined {
  return BY_SPELLING.get(spelling.toLowerCase());
}

/** Every canonical kind with its accepted spellings, for help texts and error messages. */
export function knownKinds(): string[] {
  return KIND_SPELLINGS.map(([kind]) => kind);
}

/** Every spelling the API accepts for a kind: the canonical names and kubectl's lower-case ones (an OpenAPI enum). */
export function kindSpellings(): string[] {
  return [...new Set(KIND_SPELLINGS.flatMap(([kind, ...spellings]) => [kind, ...spellings]))];
}

/**
 * The Kubernetes resources the collector lists and watches. `id` is what the `kinds`
 * option names: the kind, qualified by its API group where two groups share a kind
 * (core/v1 `Event` and events.k8s.io/v1 `Event.events.k8s.io`).
 */
export interface WatchedResource {
  readonly id: string;
  readonly kind: string;
  /** `v1` for the core group, `group/version` otherwise; filled into list items. */
  readonly apiVersion: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** Watched only when `kinds` names it (the second API group of Events). */
  readonly optional?: true;
}

export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  { id: 'Namespace', kind: 'Namespace', apiVersion: 'v1', plural: 'namespaces', namespaced: false },
  { id: 'Node', kind: 'Node', apiVersion: 'v1', plural: 'nodes', namespaced: false },
  { id: 'Pod', kind: 'Pod', apiVersion: 'v1', plural: 'pods', namespaced: true },
  { id: 'Service', kind: 'Service', apiVersion: 'v1', plural: 'services', namespaced: true },
  { id: 'Endpoints', kind: 'Endpoints', apiVersion: 'v1', plural: 'endpoints', namespaced: true },
  { id: 'EndpointSlice', kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices', namespaced: true },
  { id: 'Deployment', kind: 'Deployment', apiVersion: 'apps/v1', plural: 'deployments', namespaced: true },
  { id: 'ReplicaSet', kind: 'ReplicaSet', apiVersion: 'apps/v1', plural: 'replicasets', namespaced: true },
  { id: 'StatefulSet', kind: 'StatefulSet', apiVersion: 'apps/v1', plural: 'statefulsets', namespaced: true },
  { id: 'DaemonSet', kind: 'DaemonSet', apiVersion: 'apps/v1', plural: 'daemonsets', namespaced: true },
  { id: 'Job', kind: 'Job', apiVersion: 'batch/v1', plural: 'jobs', namespaced: true },
  { id: 'CronJob', kind: 'CronJob', apiVersion: 'batch/v1', plural: 'cronjobs', namespaced: true },
  { id: 'ConfigMap', kind: 'ConfigMap', apiVersion: 'v1', plural: 'configmaps', namespaced: true },
  { id: 'Secret', kind: 'Secret', apiVersion: 'v1', plural: 'secrets', namespaced: true },
  { id: 'PersistentVolumeClaim', kind: 'PersistentVolumeClaim', apiVersion: 'v1', plural: 'persistentvolumeclaims', namespaced: true },
  { id: 'PersistentVolume', kind: 'PersistentVolume', apiVersion: 'v1', plural: 'persistentvolumes', namespaced: false },
  { id: 'NetworkPolicy', kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', plural: 'networkpolicies', namespaced: true },
  { id: 'Ingress', kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', plural: 'ingresses', namespaced: true },
  { id: 'HorizontalPodAutoscaler', kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', plural: 'horizontalpodautoscalers', namespaced: true },
  { id: 'ResourceQuota', kind: 'ResourceQuota', apiVersion: 'v1', plural: 'resourcequotas', namespaced: true },
  { id: 'LimitRange', kind: 'LimitRange', apiVersion: 'v1', plural: 'limitranges', namespaced: true },
  { id: 'PodDisruptionBudget', kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', plural: 'poddisruptionbudgets', namespaced: true },
  // What a pod runs as: a pod naming one that is gone is refused (admission-policies.ts).
  { id: 'ServiceAccount', kind: 'ServiceAccount', apiVersion: 'v1', plural: 'serviceaccounts', namespaced: true },
  // Who may do what: a narrowed Role or a deleted binding makes the pods running as its ServiceAccount fail (permission-revoked).
  { id: 'Role', kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'roles', namespaced: true },
  { id: 'RoleBinding', kind: 'RoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'rolebindings', namespaced: true },
  { id: 'ClusterRole', kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'clusterroles', namespaced: false },
  { id: 'ClusterRoleBinding', kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings', namespaced: false },
  { id: 'PriorityClass', kind: 'PriorityClass', apiVersion: 'scheduling.k8s.io/v1', plural: 'priorityclasses', namespaced: false },
  // What admission calls before it admits a pod: a webhook that cannot be reached refuses it (admission-policies.ts).
  { id: 'ValidatingWebhookConfiguration', kind: 'ValidatingWebhookConfiguration', apiVersion: 'admissionregistration.k8s.io/v1', plural: 'validatingwebhookconfigurations', namespaced: false },
  { id: 'MutatingWebhookConfiguration', kind: 'MutatingWebhookConfiguration', apiVersion: 'admissionregistration.k8s.io/v1', plural: 'mutatingwebhookconfigurations', namespaced: false },
  { id: 'StorageClass', kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1', plural: 'storageclasses', namespaced: false },
  { id: 'VolumeAttachment', kind: 'VolumeAttachment', apiVersion: 'storage.k8s.io/v1', plural: 'volumeattachments', namespaced: false },
  { id: 'ControllerRevision', kind: 'ControllerRevision', apiVersion: 'apps/v1', plural: 'controllerrevisions', namespaced: true },
  { id: 'Lease', kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', plural: 'leases', namespaced: true },
  { id: 'Event', kind: 'Event', apiVersion: 'v1', plural: 'events', namespaced: true },
  // The same Event objects seen through their second API group: off unless `kinds` names it.
  { id: 'Event.events.k8s.io', kind: 'Event', apiVersion: 'events.k8s.io/v1', plural: 'events', namespaced: true, optional: true },
];

export const WATCHED_RESOURCE_IDS: readonly string[] = WATCHED_RESOURCES.map((resource) => resource.id);

/** Cluster-wide collection path, e.g. `/api/v1/pods` or `/apis/apps/v1/deployments`. */
export function collectionPath(resource: WatchedResource): string {
  const prefix = resource.apiVersion.includes('/') ? `/apis/${resource.apiVersion}` : `/api/${resource.apiVersion}`;
  return `${prefix}/${resource.plural}`;
}

/** What is watched when `kinds` is not set: every resource except the optional ones. */
export const DEFAULT_RESOURCES: readonly WatchedResource[] = WATCHED_RESOURCES.filter((resource) => resource.optional !== true);

/** Resolves `kinds` option values to resources; unknown names are an error naming them. */
export function resolveWatchedResources(ids: readonly string[] | undefined): WatchedResource[] {
  if (ids === undefined) return [...DEFAULT_RESOURCES];
  const unknown = ids.filter((id) => !WATCHED_RESOURCE_IDS.includes(id));
  if (unknown.length > 0) {
    throw new Error(`kubeapi collector: unknown kinds ${unknown.join(', ')}; known kinds: ${WATCHED_RESOURCE_IDS.join(', ')}`);
  }
  return WATCHED_RESOURCES.filter((resource) => ids.includes(resource.id));
}

import type { K8sContext, OwnerReference } from '@tapio/domain';

/** Seed 001's standard metadata keys, stamped by every collector that knows the object. */
export const K8S_METADATA_KEYS = {
  namespace: 'k8s_namespace',
  name: 'k8s_name',
  kind: 'k8s_kind',
  uid: 'k8s_uid',
  labels: 'k8s_labels',
  ownerRefs: 'k8s_owner_refs',
} as const;

/** "app=nginx,version=1.0" → { app: "nginx", version: "1.0" }. Values may contain "=". */
export function parseLabels(serialised: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of serialised.split(',')) {
    const trimmed = pair.trim();
    if (!trimmed) continue;
    const equals = trimmed.indexOf('=');
    if (equals <= 0) throw new Error(`k8s_labels: "${trimmed}" is not key=value`);
    labels[trimmed.slice(0, equals)] = trimmed.slice(equals + 1);
  }
  return labels;
}

export function serialiseLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** "ReplicaSet/nginx-7d8f,Deployment/nginx" → owner references. */
export function parseOwnerRefs(serialised: string): OwnerReference[] {
  return serialised
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const slash = part.indexOf('/');
      if (slash <= 0 || slash === part.length - 1) throw new Error(`k8s_owner_refs: "${part}" is not Kind/name`);
      return { kind: part.slice(0, slash), name: part.slice(slash + 1) };
    });
}

export function serialiseOwnerRefs(owners: readonly OwnerReference[]): string {
  return owners.map((owner) => `${owner.kind}/${owner.name}`).join(',');
}

/** Builds a K8sContext from the standard keys; undefined when kind or name is missing. */
export function k8sContextFromMetadata(metadata: Record<string, string>): K8sContext | undefined {
  const kind = metadata[K8S_METADATA_KEYS.kind];
  const name = metadata[K8S_METADATA_KEYS.name];
  if (!kind || !name) return undefined;
  const context: K8sContext = { kind, name };
  const namespace = metadata[K8S_METADATA_KEYS.namespace];
  if (namespace) context.namespace = namespace;
  const uid = metadata[K8S_METADATA_KEYS.uid];
  if (uid) context.uid = uid;
  const labels = metadata[K8S_METADATA_KEYS.labels];
  if (labels) context.labels = parseLabels(labels);
  const owners = metadata[K8S_METADATA_KEYS.ownerRefs];
  if (owners) context.ownerReferences = parseOwnerRefs(owners);
  if (metadata['cluster']) context.cluster = metadata['cluster'];
  if (metadata['node']) context.nodeName = metadata['node'];
  return context;
}

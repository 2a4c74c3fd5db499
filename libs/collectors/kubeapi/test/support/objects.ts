/** Kubernetes objects as a cluster would hold them, for creating on the mock server. */
export const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

export const node = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.0.0.11' }] },
});

export const deployment = (ns: string, name: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace: ns,
    labels: { app: name },
    managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }],
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
  },
});

export const replicaSet = (ns: string, name: string, owner: { name: string; uid: string }) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name,
    namespace: ns,
    labels: { app: owner.name },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.name, uid: owner.uid, controller: true }],
  },
  spec: { replicas: 2, selector: { matchLabels: { app: owner.name } }, template: { metadata: { labels: { app: owner.name } }, spec: { containers: [{ name: 'app', image: 'shop/app:1' }] } } },
});

export const pod = (ns: string, name: string, options: { owner?: { name: string; uid: string }; ip: string; nodeName: string; containerId: string; app: string }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: ns,
    labels: { app: options.app },
    ownerReferences: options.owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: options.owner.name, uid: options.owner.uid, controller: true }] : undefined,
  },
  spec: { nodeName: options.nodeName, containers: [{ name: 'app', image: 'shop/app:1' }] },
  status: {
    phase: 'Running',
    podIP: options.ip,
    podIPs: [{ ip: options.ip }],
    hostIP: '10.0.0.11',
    containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'shop/app:1', containerID: `containerd://${options.containerId}`, state: { running: { startedAt: '2026-03-02T10:00:00Z' } } }],
  },
});

export const service = (ns: string, name: string, app: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
});

export const configMap = (ns: string, name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data,
});

export const secret = (ns: string, name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: {
    name,
    namespace: ns,
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data }) },
  },
  data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
});

export const event = (ns: string, name: string, involved: { kind: string; name: string; uid: string }, reason: string, count: number) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: ns },
  involvedObject: { kind: involved.kind, namespace: ns, name: involved.name, uid: involved.uid, fieldPath: 'spec.containers{app}' },
  reason,
  message: 'Back-off restarting failed container app',
  type: 'Warning',
  count,
  firstTimestamp: '2026-03-02T10:00:00Z',
  lastTimestamp: `2026-03-02T10:0${count}:00Z`,
  source: { component: 'kubelet', host: 'node-a' },
  reportingComponent: 'kubelet',
});

/** REST collection path of an object, as the API server serves it. */
export function collectionOf(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): string {
  const plural = `${object.kind.toLowerCase()}${object.kind.endsWith('s') ? 'es' : 's'}`.replace(/ys$/, 'ies');
  const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  return object.metadata.namespace ? `${base}/namespaces/${object.metadata.namespace}/${plural}` : `${base}/${plural}`;
}

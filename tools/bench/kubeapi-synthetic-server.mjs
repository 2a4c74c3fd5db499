// A synthetic Kubernetes API server for the kubeapi sync benchmark, run as a child
// process so its CPU and memory are not the collector's. It serves a generated cluster
// the way kube-apiserver does: paged lists (limit/continue, items without kind/apiVersion,
// managedFields included) and chunked HTTP watches; POST /bench/churn?count=N then streams
// N ConfigMap MODIFIED events to the ConfigMap watchers as fast as they read them.
// fabric8's mock server is too slow to hold 14,000 objects (about 20 ms per request), so
// the benchmark would measure it instead of the collector.
import { createServer } from 'node:http';

const counts = JSON.parse(process.argv[2] ?? '{}');
const PODS = counts.pods ?? 10_000;
const SERVICES = counts.services ?? 2_000;
const CONFIGMAPS = counts.configMaps ?? 1_000;
const PODS_PER_DEPLOYMENT = 10;
const NAMESPACES = 20;
const NODES = 50;

let version = 0;
const rv = () => String((version += 1));
const managedFields = [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2026-03-02T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': {} } } }];
const uid = (kind, n) => `${kind.padEnd(8, '0').slice(0, 8).toLowerCase().replace(/[^0-9a-f]/g, 'a')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const meta = (kind, n, name, namespace, extra = {}) => ({ name, ...(namespace ? { namespace } : {}), uid: uid(kind, n), resourceVersion: rv(), creationTimestamp: '2026-03-02T10:00:00Z', managedFields, ...extra });

const collections = new Map(); // path -> items
const add = (path, item) => (collections.get(path) ?? collections.set(path, []).get(path)).push(item);

for (let n = 0; n < NAMESPACES; n += 1) add('/api/v1/namespaces', { metadata: meta('Namespace', n, `ns-${n}`), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
for (let n = 0; n < NODES; n += 1) {
  add('/api/v1/nodes', {
    metadata: meta('Node', n, `node-${n}`, undefined, { labels: { 'kubernetes.io/hostname': `node-${n}` } }),
    spec: { podCIDR: `10.244.${n}.0/24` },
    status: { conditions: ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({ type, status: type === 'Ready' ? 'True' : 'False', lastHeartbeatTime: '2026-03-02T10:00:00Z' })), addresses: [{ type: 'InternalIP', address: `192.168.0.${n}` }], capacity: { cpu: '8', memory: '32Gi', pods: '110' } },
  });
}
const deployments = Math.ceil(PODS / PODS_PER_DEPLOYMENT);
let podIndex = 0;
for (let d = 0; d < deployments; d += 1) {
  const ns = `ns-${d % NAMESPACES}`;
  const app = `app-${d}`;
  const template = { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: `registry.example/${app}:1.0`, resources: { requests: { cpu: '100m', memory: '128Mi' } } }] } };
  const deployment = { metadata: meta('Deploy', d, app, ns, { labels: { app }, generation: 1 }), spec: { replicas: PODS_PER_DEPLOYMENT, selector: { matchLabels: { app } }, template }, status: { replicas: PODS_PER_DEPLOYMENT, readyReplicas: PODS_PER_DEPLOYMENT, observedGeneration: 1 } };
  add('/apis/apps/v1/deployments', deployment);
  const rsName = `${app}-5d8f7c`;
  const rs = { metadata: meta('Replica', d, rsName, ns, { labels: { app, 'pod-template-hash': '5d8f7c' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, uid: deployment.metadata.uid, controller: true, blockOwnerDeletion: true }] }), spec: { replicas: PODS_PER_DEPLOYMENT, selector: { matchLabels: { app } }, template }, status: { replicas: PODS_PER_DEPLOYMENT } };
  add('/apis/apps/v1/replicasets', rs);
  for (let p = 0; p < PODS_PER_DEPLOYMENT && podIndex < PODS; p += 1, podIndex += 1) {
    const i = podIndex;
    add('/api/v1/pods', {
      metadata: meta('Pod', i, `${rsName}-${p}`, ns, { labels: { app, 'pod-template-hash': '5d8f7c' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }] }),
      spec: {
        nodeName: `node-${i % NODES}`,
        containers: [{ name: 'app', image: `registry.example/${app}:1.0`, ports: [{ containerPort: 8080 }], env: [{ name: 'CONFIG', valueFrom: { configMapKeyRef: { name: `app-${d % CONFIGMAPS}-config`, key: 'app.yaml' } } }], resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } }, readinessProbe: { httpGet: { path: '/ready', port: 8080 } }, volumeMounts: [{ name: 'config', mountPath: '/etc/app' }] }],
        volumes: [{ name: 'config', configMap: { name: `app-${d % CONFIGMAPS}-config` } }],
      },
      status: {
        phase: 'Running', podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, hostIP: `192.168.0.${i % NODES}`, qosClass: 'Burstable',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-03-02T10:00:00Z' }, { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-03-02T09:59:58Z' }],
        containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, image: `registry.example/${app}:1.0`, imageID: `registry.example/${app}@sha256:${'ab'.repeat(32)}`, containerID: `containerd://${i.toString(16).padStart(64, '0')}`, state: { running: { startedAt: '2026-03-02T10:00:01Z' } } }],
      },
    });
  }
}
for (let s = 0; s < SERVICES; s += 1) {
  add('/api/v1/services', { metadata: meta('Service', s, `svc-${s}`, `ns-${s % NAMESPACES}`), spec: { selector: { app: `app-${s % deployments}` }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], clusterIP: `10.96.${s >> 8}.${s & 255}`, type: 'ClusterIP' } });
}
const configMaps = [];
for (let c = 0; c < CONFIGMAPS; c += 1) {
  const configMap = { metadata: meta('Config', c, `app-${c}-config`, `ns-${c % NAMESPACES}`), data: { 'app.yaml': `replicas: ${c}\ntimeout: 5s\n`.repeat(4) } };
  configMaps.push(configMap);
  add('/api/v1/configmaps', configMap);
}

const objects = [...collections.values()].reduce((sum, items) => sum + items.length, 0);
const watchers = new Map(); // path -> Set<response>

const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://bench');
  if (request.method === 'POST' && url.pathname === '/bench/churn') {
    const count = Number(url.searchParams.get('count'));
    response.end(JSON.stringify({ count }));
    churn(count);
    return;
  }
  if (url.searchParams.get('watch') === 'true') {
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const set = watchers.get(url.pathname) ?? watchers.set(url.pathname, new Set()).get(url.pathname);
    set.add(response);
    request.on('close', () => set.delete(response));
    return;
  }
  const items = collections.get(url.pathname) ?? [];
  const limit = Number(url.searchParams.get('limit') ?? items.length) || items.length;
  const offset = Number(url.searchParams.get('continue') ?? 0);
  const next = offset + limit < items.length ? String(offset + limit) : undefined;
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(version), ...(next ? { continue: next } : {}) }, items: items.slice(offset, offset + limit) }));
});

async function churn(count) {
  const targets = [...(watchers.get('/api/v1/configmaps') ?? [])];
  for (let n = 0; n < count; n += 1) {
    const configMap = configMaps[n % configMaps.length];
    configMap.metadata = { ...configMap.metadata, resourceVersion: rv() };
    configMap.data = { 'app.yaml': `edit: ${n}\n` };
    const line = `${JSON.stringify({ type: 'MODIFIED', object: { kind: 'ConfigMap', apiVersion: 'v1', ...configMap } })}\n`;
    for (const target of targets) {
      if (!target.write(line)) await new Promise((done) => target.once('drain', done));
    }
  }
}

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port, objects });
});
process.on('disconnect', () => process.exit(0));

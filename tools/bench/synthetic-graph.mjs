// The synthetic cluster the graph-store benchmarks (bench:api over the memory store,
// bench:neo4j over Neo4j) load: deployments of 5 pods each (Deployment -OWNS-> ReplicaSet
// -OWNS-> pods, pods MOUNT a ConfigMap and RUN_ON one of 50 nodes, a Service SELECTS them),
// and a stream of pod events spread over every pod, 50 ms apart.
import { EVENT_SEMANTICS, entityKey } from '@tapio/domain';

export const CLUSTER = 'bench';
export const EPOCH = Date.parse('2026-03-02T00:00:00Z');
export const PODS_PER_DEPLOYMENT = 5;
const NODES = 50;
const EVENT_TYPES = ['pod_restart', 'probe_failed', 'pod_not_ready', 'oom_killed', 'k8s_event', 'container_killed', 'pod_ready'];

/** `--name value` from the command line, or the fallback. */
export function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const iso = (ms) => new Date(ms).toISOString();
export const ref = (kind, name, namespace) => (namespace ? { cluster: CLUSTER, kind, namespace, name } : { cluster: CLUSTER, kind, name });
export const namespaceOf = (pod) => `ns-${pod % 20}`;
const deploymentOf = (pod) => Math.floor(pod / PODS_PER_DEPLOYMENT);
export const podRef = (pod) => ref('Pod', `app-${deploymentOf(pod)}-rs-${pod}`, namespaceOf(pod));

function upsert(nodeRef, replace, edges, facts, at) {
  return { op: 'upsert', node: { key: entityKey(nodeRef), ref: nodeRef, deleted: false, updatedAt: at, facts: { kind: nodeRef.kind, name: nodeRef.name, namespace: nodeRef.namespace ?? null, ...facts } }, replace, edges };
}
const edge = (type, from, to) => ({ type, from: entityKey(from), to: entityKey(to) });

/** A cluster of `pods` pods. */
export function syntheticCluster(pods) {
  const deployments = Math.ceil(pods / PODS_PER_DEPLOYMENT);

  /** The topology changes of one deployment: Deployment, ReplicaSet, ConfigMap, its pods, its Service. */
  function deploymentTopology(deployment, at) {
    const namespace = namespaceOf(deployment * PODS_PER_DEPLOYMENT);
    const dep = ref('Deployment', `app-${deployment}`, namespace);
    const rs = ref('ReplicaSet', `app-${deployment}-rs`, namespace);
    const cm = ref('ConfigMap', `app-${deployment}-config`, namespace);
    const svc = ref('Service', `app-${deployment}`, namespace);
    const members = Array.from({ length: PODS_PER_DEPLOYMENT }, (_, offset) => deployment * PODS_PER_DEPLOYMENT + offset).filter((pod) => pod < pods);
    return [
      upsert(dep, [], [], { replicas: members.length }, at),
      upsert(rs, [{ type: 'OWNS', direction: 'in' }], [edge('OWNS', dep, rs)], {}, at),
      upsert(cm, [], [], { dataKeys: ['app.yaml'] }, at),
      ...members.map((pod) => {
        const p = podRef(pod);
        const node = ref('Node', `node-${pod % NODES}`);
        return upsert(
          p,
          [{ type: 'OWNS', direction: 'in' }, { type: 'RUNS_ON', direction: 'out' }, { type: 'MOUNTS', direction: 'out' }],
          [edge('OWNS', rs, p), edge('RUNS_ON', p, node), edge('MOUNTS', p, cm)],
          { phase: 'Running', nodeName: node.name, containers: [{ name: 'app', restartCount: 0 }] },
          at,
        );
      }),
      upsert(svc, [{ type: 'SELECTS', direction: 'out' }], members.map((pod) => edge('SELECTS', svc, podRef(pod))), { serviceType: 'ClusterIP' }, at),
    ];
  }

  /** Event number `index`: on pod (index * 7919) mod pods, types in turn. */
  function makeEvent(index) {
    const pod = (index * 7919) % pods;
    const type = EVENT_TYPES[index % EVENT_TYPES.length];
    const semantics = EVENT_SEMANTICS[type];
    const message = `${type} on pod ${pod}`;
    return {
      id: `bench-${index}`,
      type,
      timestamp: iso(EPOCH + index * 50),
      source: 'kubeapi',
      severity: semantics.severity,
      message,
      semantic: { intent: semantics.intent, category: semantics.category, narrative: message },
      entity: podRef(pod),
      k8sContext: { cluster: CLUSTER, kind: 'Pod', namespace: namespaceOf(pod), name: podRef(pod).name },
      kubernetes: { reason: type, restartCount: index % 10 },
      processedAt: iso(EPOCH + index * 50 + 5),
    };
  }

  /** A causal link for every 20th event of a batch: from the same pod's event one round (`pods` events) earlier. */
  function causalLinks(events, begin) {
    return events
      .filter((_, offset) => (begin + offset) % 20 === 0 && begin + offset >= pods)
      .map((event) => ({ kind: 'CAUSED', fromEventId: `bench-${Number(event.id.slice(6)) - pods}`, toEventId: event.id, confidence: 0.7, reason: 'bench', correlator: 'bench' }));
  }

  /** The entity keys of every pod, as the events name them. */
  const podKeys = () => Array.from({ length: pods }, (_, pod) => entityKey(podRef(pod)));

  return { deployments, deploymentTopology, makeEvent, causalLinks, podKeys };
}

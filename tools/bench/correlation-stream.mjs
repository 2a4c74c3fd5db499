// The synthetic kubeapi stream of the correlation benchmark (tools/bench/correlation.mjs): a
// 10,000-pod topology and a deterministic event mix over it, so every run sees the same stream.
import { EVENT_SEMANTICS } from '@tapio/domain';
import { seededRandom } from '@tapio/domain/testing';

export const DEPLOYMENTS = 1000;
export const PODS_PER_DEPLOYMENT = 10;
const NODES = 200;
const NAMESPACES = 50;
/** Event time advances 1 ms per event: 1,000 events per second of cluster time, 1M events = ~17 minutes, all inside the 2 h window. */
const EVENT_SPACING_MS = 1;
const CLUSTER = 'bench';

const START = Date.parse('2026-03-10T08:00:00Z');
const iso = (ms) => new Date(ms).toISOString();

export class StreamFactory {
  constructor(seed, spacingMs = EVENT_SPACING_MS) {
    this.spacingMs = spacingMs;
    this.rand = seededRandom(seed);
    this.n = 0;
    this.clock = START;
    this.deployments = [];
    for (let d = 0; d < DEPLOYMENTS; d += 1) {
      const namespace = `ns-${d % NAMESPACES}`;
      const name = `app-${d}`;
      const pods = [];
      for (let p = 0; p < PODS_PER_DEPLOYMENT; p += 1) pods.push({ name: `${name}-7c9f8d6b5-${p.toString(36).padStart(5, 'x')}`, uid: `pod-${d}-${p}`, node: `node-${(d * 7 + p * 13) % NODES}`, restarts: 0, ready: true });
      this.deployments.push({ namespace, name, uid: `dep-${d}`, rs: `${name}-7c9f8d6b5`, rsUid: `rs-${d}`, config: `${name}-config`, pods });
    }
  }

  event(type, kind, namespace, name, message, extra = {}) {
    this.n += 1;
    this.clock += this.spacingMs;
    const semantics = EVENT_SEMANTICS[type];
    const timestamp = iso(this.clock);
    return {
      id: `e${this.n}-${this.clock.toString(36)}`,
      type,
      timestamp,
      source: 'kubeapi',
      severity: semantics.severity,
      message,
      semantic: { intent: semantics.intent, category: semantics.category, narrative: message },
      entity: { kind, name, cluster: CLUSTER, ...(namespace ? { namespace } : {}) },
      k8sContext: { kind, name, cluster: CLUSTER, ...(namespace ? { namespace } : {}), ...(extra.labels ? { labels: extra.labels } : {}) },
      ...(extra.kubernetes ? { kubernetes: extra.kubernetes } : {}),
      processedAt: timestamp,
    };
  }

  podFacts(deployment, pod) {
    return {
      kind: 'Pod',
      name: pod.name,
      namespace: deployment.namespace,
      uid: pod.uid,
      creationTimestamp: iso(START - 86_400_000),
      labels: { app: deployment.name, 'pod-template-hash': '7c9f8d6b5' },
      ownerReferences: [{ kind: 'ReplicaSet', name: deployment.rs, uid: deployment.rsUid, controller: true }],
      nodeName: pod.node,
      phase: 'Running',
      ready: pod.ready,
      containers: [{ name: 'app', image: `registry.example/${deployment.name}:1.0.${pod.restarts}`, ready: pod.ready, restartCount: pod.restarts, state: 'running' }],
      configMaps: [deployment.config],
    };
  }

  lifecycle(facts, watchType = 'ADDED') {
    return this.event(watchType === 'ADDED' ? 'resource_created' : 'resource_updated', facts.kind, facts.namespace, facts.name, `${facts.kind} ${facts.namespace ?? ''}/${facts.name} ${watchType === 'ADDED' ? 'exists' : 'updated'}`, {
      labels: facts.labels,
      kubernetes: { watchType, object: facts },
    });
  }

  /** The starting state: nodes, namespaces' ConfigMaps, Deployments, ReplicaSets, Services, Pods. */
  *topology() {
    for (let node = 0; node < NODES; node += 1) yield this.lifecycle({ kind: 'Node', name: `node-${node}`, uid: `node-${node}`, conditions: { Ready: 'True', MemoryPressure: 'False' } });
    for (const d of this.deployments) {
      yield this.lifecycle({ kind: 'ConfigMap', name: d.config, namespace: d.namespace, uid: `cm-${d.uid}`, dataKeys: ['application.yaml'], contentHash: 'h' });
      yield this.lifecycle({ kind: 'Deployment', name: d.name, namespace: d.namespace, uid: d.uid, labels: { app: d.name }, selector: { matchLabels: { app: d.name } }, replicas: PODS_PER_DEPLOYMENT, configMaps: [d.config] });
      yield this.lifecycle({ kind: 'ReplicaSet', name: d.rs, namespace: d.namespace, uid: d.rsUid, labels: { app: d.name }, ownerReferences: [{ kind: 'Deployment', name: d.name, uid: d.uid, controller: true }], replicas: PODS_PER_DEPLOYMENT });
      yield this.lifecycle({ kind: 'Service', name: d.name, namespace: d.namespace, uid: `svc-${d.uid}`, serviceSelector: { app: d.name } });
      for (const pod of d.pods) yield this.lifecycle(this.podFacts(d, pod));
    }
  }

  /** One event of the mix: a weighted pick of the generators below. */
  next() {
    const r = this.rand();
    const d = this.deployments[Math.floor(this.rand() * DEPLOYMENTS)];
    const pod = d.pods[Math.floor(this.rand() * PODS_PER_DEPLOYMENT)];
    let acc = 0;
    for (const [weight, make] of this.mix) {
      acc += weight;
      if (r < acc) return make(d, pod);
    }
    return this.mix[this.mix.length - 1][1](d, pod);
  }

  generators() {
    return {
      podUpdate: (d, pod) => this.lifecycle(this.podFacts(d, pod), 'MODIFIED'),
      normalEvent: (d, pod) => {
        const reason = ['Pulled', 'Created', 'Started', 'Scheduled', 'SuccessfulCreate'][Math.floor(this.rand() * 5)];
        return this.event('k8s_event', 'Pod', d.namespace, pod.name, `${reason}: container app`, { kubernetes: { eventReason: reason, eventType: 'Normal', count: 1 } });
      },
      readiness: (d, pod) => {
        pod.ready = !pod.ready;
        return this.event(pod.ready ? 'pod_ready' : 'pod_not_ready', 'Pod', d.namespace, pod.name, `Pod ${d.namespace}/${pod.name} ${pod.ready ? 'became ready' : 'is no longer ready'}`);
      },
      endpoints: (d) => {
        const before = 10 - Math.floor(this.rand() * 3);
        return this.event('endpoints_changed', 'Endpoints', d.namespace, d.name, `Endpoints ${d.namespace}/${d.name} updated: readyEndpoints ${before} -> ${before - 1}`, {
          kubernetes: { changes: [{ path: 'readyEndpoints', op: 'changed', before: String(before), after: String(before - 1) }] },
        });
      },
      probe: (d, pod) => this.event('probe_failed', 'Pod', d.namespace, pod.name, 'Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503', { kubernetes: { eventReason: 'Unhealthy', count: 1 + Math.floor(this.rand() * 4) } }),
      restart: (d, pod) => {
        pod.restarts += 1;
        return this.event('pod_restart', 'Pod', d.namespace, pod.name, `Container app of pod ${d.namespace}/${pod.name} restarted (${pod.restarts} restarts)`, { kubernetes: { container: 'app', restartCount: pod.restarts, restartDelta: 1, exitCode: 1 } });
      },
      crashLoop: (d, pod) => this.event('crash_loop', 'Pod', d.namespace, pod.name, `Container app of pod ${d.namespace}/${pod.name} is in CrashLoopBackOff`, { kubernetes: { reason: 'CrashLoopBackOff' } }),
      oom: (d, pod) => this.event('oom_killed', 'Pod', d.namespace, pod.name, `Container app of pod ${d.namespace}/${pod.name} was OOMKilled (exit 137)`, { kubernetes: { reason: 'OOMKilled', exitCode: 137 } }),
      scale: (d) => this.event('workload_scaled', 'Deployment', d.namespace, d.name, `Deployment ${d.namespace}/${d.name} scaled: spec.replicas 10 -> 11`),
      configEdit: (d) => this.event('config_changed', 'ConfigMap', d.namespace, d.config, `ConfigMap ${d.namespace}/${d.config} changed: data key application.yaml edited`, { kubernetes: { watchType: 'MODIFIED', changes: [{ path: 'data.application.yaml', op: 'changed' }] } }),
      rollout: (d) => this.event('workload_spec_changed', 'Deployment', d.namespace, d.name, `Deployment ${d.namespace}/${d.name} pod template changed: image`, { kubernetes: { watchType: 'MODIFIED', changes: [{ path: 'spec.template.containers[app].image', op: 'changed' }] } }),
      imagePull: (d, pod) => this.event('image_pull_failed', 'Pod', d.namespace, pod.name, `Container app of pod ${d.namespace}/${pod.name} cannot pull image: ImagePullBackOff`),
      evicted: (d, pod) => this.event('pod_evicted', 'Pod', d.namespace, pod.name, `Pod ${d.namespace}/${pod.name} was evicted: The node was low on resource: memory.`),
      pressure: (_d, pod) => this.event('memory_pressure', 'Node', null, pod.node, `Node ${pod.node} reports MemoryPressure`, { kubernetes: { condition: 'MemoryPressure', conditionStatus: 'True' } }),
      nodeDown: (_d, pod) => this.event('node_not_ready', 'Node', null, pod.node, `Node ${pod.node} is not Ready (status Unknown)`, { kubernetes: { condition: 'Ready', conditionStatus: 'Unknown' } }),
      mountFailed: (d, pod) => this.event('volume_mount_failed', 'Pod', d.namespace, pod.name, 'FailedMount: MountVolume.SetUp failed for volume "data"'),
      dns: (d, pod) => this.event('dns_failure', 'Pod', d.namespace, pod.name, 'DNS query payments.svc.cluster.local NXDOMAIN'),
    };
  }
}

/**
 * Two mixes. `steady`: a large healthy cluster, mostly status updates and Normal Events with the
 * usual trickle of probe failures, restarts and rollouts (a few percent failures). `incident`: a
 * cluster on fire, a quarter of the stream failures, every pattern triggering constantly.
 */
const MIXES = {
  steady: { podUpdate: 0.45, normalEvent: 0.3, readiness: 0.08, endpoints: 0.08, probe: 0.03, restart: 0.015, crashLoop: 0.008, oom: 0.002, scale: 0.01, configEdit: 0.001, rollout: 0.002, imagePull: 0.001, evicted: 0.001, pressure: 0.0005, nodeDown: 0.0001, mountFailed: 0.0005, dns: 0.0009 },
  incident: { podUpdate: 0.3, normalEvent: 0.22, readiness: 0.12, endpoints: 0.12, probe: 0.1, restart: 0.05, crashLoop: 0.03, oom: 0.015, scale: 0.015, configEdit: 0.005, rollout: 0.005, imagePull: 0.005, evicted: 0.005, pressure: 0.003, nodeDown: 0.0005, mountFailed: 0.0025, dns: 0.004 },
};

export function withMix(factory, name) {
  const generators = factory.generators();
  const total = Object.values(MIXES[name]).reduce((sum, weight) => sum + weight, 0);
  factory.mix = Object.entries(MIXES[name]).map(([generator, weight]) => [weight / total, generators[generator]]);
  return factory;
}

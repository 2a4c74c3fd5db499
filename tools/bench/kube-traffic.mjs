// Generates a stream of Kubernetes API watch events shaped like the recorded
// scenarios (examples/recordings): complete objects taken from a recording as
// templates, multiplied over namespaces and nodes, then a MODIFIED-heavy mix of the
// changes a busy cluster reports (pod status churn and restarts, Event count bumps,
// rollout status, endpoint flips, node heartbeats and pressure, ConfigMap edits).
import { readFileSync } from 'node:fs';

const CLUSTER = 'bench';

function templates(recording) {
  const found = new Map();
  for (const line of readFileSync(recording, 'utf8').split('\n')) {
    if (!line) continue;
    const object = JSON.parse(line).data.object;
    const wanted = {
      Pod: 'checkout-7mk2kq9cl-gt4jp',
      Deployment: 'checkout',
      ReplicaSet: 'checkout-7mk2kq9cl',
      Endpoints: 'checkout',
      Service: 'checkout',
      ConfigMap: 'checkout-config',
      Node: 'node-1',
    }[object.kind];
    if (object.kind === 'Event' && object.reason === 'BackOff' && !found.has('Event')) found.set('Event', object);
    else if (wanted === object.metadata.name && !found.has(object.kind)) found.set(object.kind, object);
  }
  for (const kind of ['Pod', 'Deployment', 'ReplicaSet', 'Endpoints', 'Service', 'ConfigMap', 'Node', 'Event']) {
    if (!found.has(kind)) throw new Error(`${recording} has no ${kind} to model traffic on`);
  }
  return found;
}

/** A small deterministic PRNG, so two runs see the same stream. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class KubeTraffic {
  constructor({ recording, namespaces = 40, deploymentsPerNamespace = 5, podsPerDeployment = 3, nodes = 30, seed = 42 }) {
    this.template = templates(recording);
    this.rand = random(seed);
    this.resourceVersion = 10_000_000;
    this.clock = Date.parse('2026-03-02T10:00:00Z');
    this.objects = { Pod: [], Deployment: [], ReplicaSet: [], Endpoints: [], Service: [], ConfigMap: [], Node: [], Event: [] };
    this.initial = [];
    this.eventSerial = 0;
    for (let n = 0; n < nodes; n += 1) this.add('Node', this.node(`node-${n}`));
    for (let ns = 0; ns < namespaces; ns += 1) {
      const namespace = `team-${ns}`;
      for (let d = 0; d < deploymentsPerNamespace; d += 1) {
        const app = `app-${d}`;
        const deployment = this.add('Deployment', this.workload('Deployment', namespace, app, app));
        const replicaSet = this.add('ReplicaSet', this.workload('ReplicaSet', namespace, app, `${app}-5d4b5c6d7`, deployment));
        this.add('ConfigMap', this.configMap(namespace, `${app}-config`));
        this.add('Service', this.service(namespace, app));
        const pods = [];
        for (let p = 0; p < podsPerDeployment; p += 1) pods.push(this.add('Pod', this.pod(namespace, app, `${app}-5d4b5c6d7-${p}x${ns}`, replicaSet, `node-${(ns * 7 + d * 3 + p) % nodes}`)));
        this.add('Endpoints', this.endpoints(namespace, app, pods));
      }
    }
  }

  /** The starting state: one ADDED per object, like the head of a recording. */
  startingState() {
    return this.initial.splice(0);
  }

  /** The next `count` watch events (RawEvents) of the cluster's life. */
  next(count) {
    const batch = [];
    for (let index = 0; index < count; index += 1) batch.push(this.change());
    return batch;
  }

  change() {
    this.clock += 2; // ~500 changes per second of cluster time
    const roll = this.rand();
    if (roll < 0.34) return this.eventBump();
    if (roll < 0.64) return this.podChange();
    if (roll < 0.72) return this.deploymentChange();
    if (roll < 0.76) return this.replicaSetChange();
    if (roll < 0.84) return this.endpointsChange();
    if (roll < 0.95) return this.nodeHeartbeat();
    return this.configMapEdit();
  }

  // ---- object builders (fresh objects from the recorded templates) ----------------

  copy(kind) {
    return structuredClone(this.template.get(kind));
  }

  identity(object, namespace, name) {
    object.metadata.name = name;
    if (namespace) object.metadata.namespace = namespace;
    else delete object.metadata.namespace;
    object.metadata.uid = `${object.kind.toLowerCase()}-${namespace ?? '_'}-${name}`;
    delete object.metadata.ownerReferences;
    return object;
  }

  node(name) {
    const node = this.identity(this.copy('Node'), undefined, name);
    node.metadata.labels['kubernetes.io/hostname'] = name;
    return node;
  }

  workload(kind, namespace, app, name, owner) {
    const object = this.identity(this.copy(kind), namespace, name);
    object.metadata.labels = { ...object.metadata.labels, app };
    object.spec.selector = { matchLabels: { app } };
    object.spec.template.metadata.labels = { ...object.spec.template.metadata.labels, app };
    for (const volume of object.spec.template.spec.volumes ?? []) if (volume.configMap) volume.configMap.name = `${app}-config`;
    if (owner) object.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true }];
    return object;
  }

  configMap(namespace, name) {
    return this.identity(this.copy('ConfigMap'), namespace, name);
  }

  service(namespace, app) {
    const service = this.identity(this.copy('Service'), namespace, app);
    service.spec.selector = { app };
    return service;
  }

  pod(namespace, app, name, owner, nodeName) {
    const pod = this.identity(this.copy('Pod'), namespace, name);
    pod.metadata.labels = { ...pod.metadata.labels, app };
    pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }];
    pod.spec.nodeName = nodeName;
    for (const volume of pod.spec.volumes ?? []) if (volume.configMap) volume.configMap.name = `${app}-config`;
    return pod;
  }

  endpoints(namespace, app, pods) {
    const endpoints = this.identity(this.copy('Endpoints'), namespace, app);
    endpoints.subsets = [{ addresses: pods.map((pod, index) => ({ ip: `10.${namespace.length}.${index}.${pods.length}`, nodeName: pod.spec.nodeName, targetRef: { kind: 'Pod', name: pod.metadata.name, namespace, uid: pod.metadata.uid } })), ports: endpoints.subsets?.[0]?.ports ?? [] }];
    return endpoints;
  }

  add(kind, object) {
    this.objects[kind].push(object);
    this.initial.push(this.watch('ADDED', object));
    return object;
  }

  // ---- changes ------------------------------------------------------------------

  pick(kind) {
    const list = this.objects[kind];
    return list[Math.floor(this.rand() * list.length)];
  }

  /** A new version of an object: the API server sends the complete object every time. */
  modified(object, change) {
    const next = structuredClone(object);
    change(next);
    const list = this.objects[object.kind];
    list[list.indexOf(object)] = next;
    return this.watch('MODIFIED', next);
  }

  now() {
    return new Date(this.clock).toISOString().replace(/\.\d+Z$/, 'Z');
  }

  watch(type, object) {
    this.resourceVersion += 1;
    object.metadata.resourceVersion = String(this.resourceVersion);
    return { timestamp: this.now(), type, source: 'kubeapi', metadata: { cluster: CLUSTER, collector: 'kubeapi' }, data: { type, object } };
  }

  eventBump() {
    // Mostly a repeat of an existing Event (count + 1), sometimes a new one.
    if (this.objects.Event.length < 50 || this.rand() < 0.1) {
      const pod = this.pick('Pod');
      const event = this.identity(this.copy('Event'), pod.metadata.namespace, `${pod.metadata.name}.${(this.eventSerial += 1).toString(16)}`);
      event.involvedObject = { ...event.involvedObject, name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid };
      event.count = 1;
      event.firstTimestamp = event.lastTimestamp = this.now();
      this.objects.Event.push(event);
      if (this.objects.Event.length > 2000) this.objects.Event.shift();
      return this.watch('ADDED', event);
    }
    return this.modified(this.pick('Event'), (event) => {
      event.count += 1;
      event.lastTimestamp = this.now();
    });
  }

  podChange() {
    return this.modified(this.pick('Pod'), (pod) => {
      const status = pod.status.containerStatuses[0];
      const roll = this.rand();
      if (roll < 0.35) {
        // a restart: exit 1 or an OOM kill, then back-off
        status.restartCount += 1;
        const oom = this.rand() < 0.3;
        status.lastState = { terminated: { exitCode: oom ? 137 : 1, reason: oom ? 'OOMKilled' : 'Error', startedAt: this.now(), finishedAt: this.now() } };
        status.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container' } };
        status.ready = false;
      } else if (roll < 0.7) {
        // running again and ready, or readiness lost
        const ready = !status.ready;
        status.ready = ready;
        status.state = { running: { startedAt: this.now() } };
        for (const condition of pod.status.conditions) if (condition.type === 'Ready' || condition.type === 'ContainersReady') condition.status = ready ? 'True' : 'False';
      } else {
        // status churn with nothing new: a probe time, a kubelet resync
        for (const condition of pod.status.conditions) condition.lastProbeTime = this.now();
      }
    });
  }

  deploymentChange() {
    return this.modified(this.pick('Deployment'), (deployment) => {
      if (this.rand() < 0.15) {
        deployment.metadata.generation += 1;
        deployment.spec.template.metadata.annotations = { ...deployment.spec.template.metadata.annotations, 'checksum/config': this.resourceVersion.toString(16) };
      } else {
        deployment.status.readyReplicas = Math.max(0, (deployment.status.readyReplicas ?? 3) + (this.rand() < 0.5 ? -1 : 1));
      }
    });
  }

  replicaSetChange() {
    return this.modified(this.pick('ReplicaSet'), (replicaSet) => {
      replicaSet.status.readyReplicas = Math.max(0, (replicaSet.status.readyReplicas ?? 3) + (this.rand() < 0.5 ? -1 : 1));
    });
  }

  endpointsChange() {
    return this.modified(this.pick('Endpoints'), (endpoints) => {
      const subset = endpoints.subsets[0];
      if (subset.addresses.length && this.rand() < 0.5) {
        subset.notReadyAddresses = [...(subset.notReadyAddresses ?? []), subset.addresses.pop()];
      } else if (subset.notReadyAddresses?.length) {
        subset.addresses.push(subset.notReadyAddresses.pop());
      }
    });
  }

  nodeHeartbeat() {
    return this.modified(this.pick('Node'), (node) => {
      const pressure = this.rand() < 0.03;
      for (const condition of node.status.conditions) {
        condition.lastHeartbeatTime = this.now();
        if (pressure && condition.type === 'MemoryPressure') condition.status = condition.status === 'True' ? 'False' : 'True';
      }
    });
  }

  configMapEdit() {
    return this.modified(this.pick('ConfigMap'), (configMap) => {
      const key = Object.keys(configMap.data)[0];
      configMap.data[key] = `${configMap.data[key].split('\n# rev')[0]}\n# rev ${this.resourceVersion}`;
    });
  }
}

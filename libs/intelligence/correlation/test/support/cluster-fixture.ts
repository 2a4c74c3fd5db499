import { EVENT_SEMANTICS, entityKey, type EntityRef, type EventType, type K8sObjectFacts, type KubernetesData, type Severity, type UnifiedEvent } from '@tapio/domain';

export interface WorkloadOptions {
  replicas?: number;
  /** Nodes the pods are spread over, round robin. */
  nodes?: string[];
  configMaps?: string[];
  secrets?: string[];
  claims?: string[];
  /** Addresses its pod spec calls (`host` or `host:port`, as the transformer's facts say). */
  calls?: string[];
  kind?: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';
  /** The ServiceAccount its pods run as (the pod template's and each pod's serviceAccountName). */
  serviceAccount?: string;
}

export interface Workload {
  namespace: string;
  name: string;
  kind: string;
  ref: EntityRef;
  /** The current ReplicaSet (Deployments only). */
  replicaSet: EntityRef | undefined;
  pods: EntityRef[];
  options: Required<Omit<WorkloadOptions, 'kind' | 'serviceAccount'>> & Pick<WorkloadOptions, 'serviceAccount'>;
  revision: number;
}

export interface SignalOptions {
  message?: string;
  kubernetes?: KubernetesData;
  severity?: Severity;
  annotations?: Record<string, string>;
  /** The labels of the object it is about, as the transformer's context carries them (a pod's, read from its version). */
  labels?: Record<string, string>;
}

const HASH_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Builds realistic UnifiedEvents for engine tests, the way the kubeapi transformer
 * emits them: lifecycle events carry `kubernetes.object` facts (owners with uids,
 * node placement, mounted ConfigMaps / Secrets / claims, Service selectors), so the
 * engine's topology exists (Deployment → ReplicaSet → Pods on Nodes, Services
 * selecting pods, pods mounting ConfigMaps); failure signals name their entity only.
 * Time is explicit: `advance()` moves the clock, every event is stamped with it.
 */
export class ClusterFixture {
  readonly events: UnifiedEvent[] = [];
  private clock: number;
  private sequence = 0;
  private readonly workloads = new Map<string, Workload>();

  constructor(
    start = '2026-03-02T10:00:00Z',
    readonly cluster = 'test',
  ) {
    this.clock = Date.parse(start);
  }

  get now(): string {
    return new Date(this.clock).toISOString().replace('.000Z', 'Z');
  }

  advance(seconds: number): this {
    this.clock += seconds * 1000;
    return this;
  }

  /** Events added since `mark` (a previous `events.length`). */
  since(mark: number): UnifiedEvent[] {
    return this.events.slice(mark);
  }

  ref(kind: string, name: string, namespace?: string | null): EntityRef {
    return { kind, name, cluster: this.cluster, ...(namespace ? { namespace } : {}) };
  }

  key(ref: EntityRef): string {
    return entityKey(ref);
  }

  private uid(): string {
    const n = (this.sequence += 1);
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  }

  private suffix(length: number): string {
    let text = '';
    let n = (this.sequence += 1) * 7919;
    for (let index = 0; index < length; index += 1) {
      text += HASH_CHARS[n % HASH_CHARS.length];
      n = Math.floor(n / HASH_CHARS.length) + index * 31;
    }
    return text;
  }

  private push(type: EventType, entity: EntityRef, message: string, extra: { kubernetes?: KubernetesData; severity?: Severity; facts?: K8sObjectFacts; annotations?: Record<string, string>; labels?: Record<string, string> } = {}): UnifiedEvent {
    const semantics = EVENT_SEMANTICS[type];
    const facts = extra.facts ?? (extra.labels ? { kind: entity.kind, name: entity.name, labels: extra.labels } : undefined);
    const event: UnifiedEvent = {
      id: `evt-${String(this.events.length + 1).padStart(6, '0')}`,
      type,
      timestamp: this.now,
      source: 'kubeapi',
      severity: extra.severity ?? semantics.severity,
      message,
      semantic: { intent: semantics.intent, category: semantics.category, narrative: message },
      entity,
      k8sContext: {
        kind: entity.kind,
        name: entity.name,
        cluster: this.cluster,
        ...(entity.namespace ? { namespace: entity.namespace } : {}),
        ...(entity.uid ? { uid: entity.uid } : {}),
        ...(facts?.labels ? { labels: facts.labels } : {}),
        ...(facts?.ownerReferences ? { ownerReferences: facts.ownerReferences } : {}),
        ...(facts?.nodeName ? { nodeName: facts.nodeName } : {}),
      },
      ...(extra.kubernetes || extra.facts ? { kubernetes: { ...(extra.facts ? { watchType: 'ADDED' as const, object: extra.facts } : {}), ...extra.kubernetes } } : {}),
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
      processedAt: this.now,
    };
    this.events.push(event);
    return event;
  }

  /** A lifecycle event carrying the object's facts (what the topology projector reads). */
  object(type: EventType, facts: K8sObjectFacts, message: string, watchType: 'ADDED' | 'MODIFIED' | 'DELETED' = 'ADDED', changes?: KubernetesData['changes']): UnifiedEvent {
    const entity = this.ref(facts.kind, facts.name, facts.namespace);
    if (facts.uid) entity.uid = facts.uid;
    const event = this.push(type, entity, message, { facts, kubernetes: { watchType, object: facts, ...(changes ? { changes } : {}) } });
    return event;
  }

  node(name: string): EntityRef {
    this.object('resource_created', { kind: 'Node', name, uid: this.uid(), creationTimestamp: this.now, conditions: { Ready: 'True', MemoryPressure: 'False' } }, `Node ${name} exists`);
    return this.ref('Node', name);
  }

  nodes(...names: string[]): this {
    for (const name of names) this.node(name);
    return this;
  }

  configMap(namespace: string, name: string): EntityRef {
    this.object('resource_created', { kind: 'ConfigMap', name, namespace, uid: this.uid(), creationTimestamp: this.now, dataKeys: ['application.yaml'], contentHash: 'h1' }, `ConfigMap ${namespace}/${name} exists`);
    return this.ref('ConfigMap', name, namespace);
  }

  secret(namespace: string, name: string): EntityRef {
    this.object('resource_created', { kind: 'Secret', name, namespace, uid: this.uid(), creationTimestamp: this.now, dataKeys: ['password'], contentHash: 's1' }, `Secret ${namespace}/${name} exists`);
    return this.ref('Secret', name, namespace);
  }

  private podIps = 0;

  private podFacts(workload: Workload, owner: { kind: string; name: string; uid: string }, name: string, node: string): K8sObjectFacts {
    return {
      kind: 'Pod',
      name,
      namespace: workload.namespace,
      uid: this.uid(),
      creationTimestamp: this.now,
      labels: { app: workload.name },
      ownerReferences: [{ ...owner, controller: true }],
      nodeName: node,
      podIP: `10.244.${Math.floor(this.podIps / 250)}.${(this.podIps++ % 250) + 2}`,
      phase: 'Running',
      ready: true,
      containers: [{ name: workload.name, image: `registry.example/${workload.name}:${workload.revision}`, ready: true, restartCount: 0, state: 'running' }],
      ...(workload.options.configMaps.length ? { configMaps: workload.options.configMaps } : {}),
      ...(workload.options.secrets.length ? { secrets: workload.options.secrets } : {}),
      ...(workload.options.claims.length ? { persistentVolumeClaims: workload.options.claims } : {}),
      ...(workload.options.calls.length ? { calls: workload.options.calls } : {}),
      ...(workload.options.serviceAccount ? { serviceAccountName: workload.options.serviceAccount } : {}),
    };
  }

  private createPods(workload: Workload, count: number): EntityRef[] {
    const owner = workload.replicaSet
      ? { kind: 'ReplicaSet', name: workload.replicaSet.name, uid: workload.replicaSet.uid as string }
      : { kind: workload.kind, name: workload.name, uid: workload.ref.uid as string };
    const created: EntityRef[] = [];
    for (let index = 0; index < count; index += 1) {
      const ordinal = workload.pods.length;
      const name = workload.kind === 'StatefulSet' ? `${workload.name}-${ordinal}` : `${owner.name}-${this.suffix(5)}`;
      const node = workload.options.nodes[ordinal % workload.options.nodes.length] as string;
      const facts = this.podFacts(workload, owner, name, node);
      this.object('resource_created', facts, `Pod ${workload.namespace}/${name} exists`);
      const ref = { ...this.ref('Pod', name, workload.namespace), uid: facts.uid as string };
      workload.pods.push(ref);
      created.push(ref);
    }
    return created;
  }

  private workloadFacts(workload: Workload): K8sObjectFacts {
    return {
      kind: workload.kind,
      name: workload.name,
      namespace: workload.namespace,
      uid: workload.ref.uid as string,
      creationTimestamp: this.now,
      labels: { app: workload.name },
      selector: { matchLabels: { app: workload.name } },
      replicas: workload.options.replicas,
      readyReplicas: workload.options.replicas,
      ...(workload.options.configMaps.length ? { configMaps: workload.options.configMaps } : {}),
      ...(workload.options.secrets.length ? { secrets: workload.options.secrets } : {}),
      ...(workload.options.claims.length ? { persistentVolumeClaims: workload.options.claims } : {}),
      ...(workload.options.serviceAccount ? { serviceAccountName: workload.options.serviceAccount } : {}),
    };
  }

  private newReplicaSet(workload: Workload): void {
    const name = `${workload.name}-${this.suffix(9)}`;
    const uid = this.uid();
    this.object(
      'resource_created',
      { kind: 'ReplicaSet', name, namespace: workload.namespace, uid, creationTimestamp: this.now, labels: { app: workload.name }, ownerReferences: [{ kind: workload.kind, name: workload.name, uid: workload.ref.uid as string, controller: true }], replicas: workload.options.replicas },
      `ReplicaSet ${workload.namespace}/${name} exists`,
    );
    workload.replicaSet = { ...this.ref('ReplicaSet', name, workload.namespace), uid };
  }

  /** A Deployment (ReplicaSet and running pods), StatefulSet or DaemonSet with its pods spread over nodes. */
  workload(namespace: string, name: string, options: WorkloadOptions = {}): Workload {
    const kind = options.kind ?? 'Deployment';
    const uid = this.uid();
    const workload: Workload = {
      namespace,
      name,
      kind,
      ref: { ...this.ref(kind, name, namespace), uid },
      replicaSet: undefined,
      pods: [],
      options: { replicas: options.replicas ?? 3, nodes: options.nodes ?? ['node-1', 'node-2', 'node-3'], configMaps: options.configMaps ?? [], secrets: options.secrets ?? [], claims: options.claims ?? [], calls: options.calls ?? [], ...(options.serviceAccount ? { serviceAccount: options.serviceAccount } : {}) },
      revision: 1,
    };
    this.workloads.set(`${namespace}/${name}`, workload);
    this.object('resource_created', this.workloadFacts(workload), `${kind} ${namespace}/${name} exists`);
    if (kind === 'Deployment') this.newReplicaSet(workload);
    this.createPods(workload, workload.options.replicas);
    return workload;
  }

  /** A Service selecting the workload's pods (app label), with an optional Ingress in front. */
  service(workload: Workload, ingress?: string): EntityRef {
    this.object('resource_created', { kind: 'Service', name: workload.name, namespace: workload.namespace, uid: this.uid(), creationTimestamp: this.now, serviceSelector: { app: workload.name }, serviceType: 'ClusterIP' }, `Service ${workload.namespace}/${workload.name} exists`);
    if (ingress) {
      this.object('resource_created', { kind: 'Ingress', name: ingress, namespace: workload.namespace, uid: this.uid(), creationTimestamp: this.now, services: [workload.name] }, `Ingress ${workload.namespace}/${ingress} exists`);
    }
    return this.ref('Service', workload.name, workload.namespace);
  }

  /** A signal about one entity (no object facts), as the transformer derives them. */
  signal(type: EventType, entity: EntityRef, options: SignalOptions = {}): UnifiedEvent {
    return this.push(type, entity, options.message ?? `${type.replace(/_/g, ' ')} on ${entity.kind} ${entity.namespace ?? ''}/${entity.name}`, {
      ...(options.kubernetes ? { kubernetes: options.kubernetes } : {}),
      ...(options.severity ? { severity: options.severity } : {}),
      ...(options.annotations ? { annotations: options.annotations } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
    });
  }

  /** A data edit of a ConfigMap or Secret (config_changed / secret_changed with the edited key). */
  editConfig(ref: EntityRef, key = 'application.yaml'): UnifiedEvent {
    const type: EventType = ref.kind === 'Secret' ? 'secret_changed' : 'config_changed';
    return this.push(type, ref, `${ref.kind} ${ref.namespace}/${ref.name} changed: data key ${key} edited`, { kubernetes: { watchType: 'MODIFIED', changes: [{ path: `data.${key}`, op: 'changed' }] } });
  }

  /**
   * A rolling update: the pod template changes (workload_spec_changed), a new
   * ReplicaSet is created and `count` new pods (default: replicas) start on the nodes.
   * Old pods are not touched here; `retire()` removes them as the rollout proceeds.
   */
  rollout(workload: Workload, what = 'spec.template.annotations.checksum/config changed', count?: number, paths = ['spec.template.annotations.checksum/config']): EntityRef[] {
    workload.revision += 1;
    this.push('workload_spec_changed', workload.ref, `${workload.kind} ${workload.namespace}/${workload.name} pod template changed: ${what}`, {
      kubernetes: { watchType: 'MODIFIED', object: this.workloadFacts(workload), changes: paths.map((path) => ({ path, op: 'changed' as const })) },
    });
    if (workload.kind === 'Deployment') {
      this.newReplicaSet(workload);
      this.signal('workload_scaled', workload.ref, { message: `ScalingReplicaSet: Scaled up replica set ${workload.replicaSet?.name} to ${count ?? workload.options.replicas}` });
    }
    return this.createPods(workload, count ?? workload.options.replicas);
  }

  /** The old pods leaving after a successful rollout step: deleted, as the API reports them. */
  retire(pod: EntityRef): UnifiedEvent {
    return this.object('resource_deleted', { kind: 'Pod', name: pod.name, namespace: pod.namespace ?? null, uid: pod.uid as string }, `Pod ${pod.namespace}/${pod.name} deleted`, 'DELETED');
  }

  /** The controller replacing a pod that is going away (preempted, evicted): one new pod of the workload, its replicas unchanged. */
  replacePod(workload: Workload): EntityRef {
    return this.createPods(workload, 1)[0] as EntityRef;
  }

  /** A replica count change (HPA or kubectl scale): workload_scaled and new pods. */
  scale(workload: Workload, replicas: number): EntityRef[] {
    const before = workload.options.replicas;
    workload.options.replicas = replicas;
    this.push('workload_scaled', workload.ref, `${workload.kind} ${workload.namespace}/${workload.name} scaled: spec.replicas ${before} -> ${replicas}`, {
      kubernetes: { watchType: 'MODIFIED', object: this.workloadFacts(workload), changes: [{ path: 'spec.replicas', op: 'changed', before: String(before), after: String(replicas) }] },
    });
    return replicas > before ? this.createPods(workload, replicas - before) : [];
  }

  /** A container restart with its exit, as the transformer reports it. */
  restart(pod: EntityRef, restartCount: number, reason = 'Error', exitCode = 1): UnifiedEvent {
    return this.signal('pod_restart', pod, {
      message: `Container app of pod ${pod.namespace}/${pod.name} restarted (${restartCount} restarts, last exit: ${reason} code ${exitCode})`,
      kubernetes: { container: 'app', restartCount, restartDelta: 1, reason, exitCode },
    });
  }

  crashLoop(pod: EntityRef, restartCount: number): UnifiedEvent {
    return this.signal('crash_loop', pod, { message: `Container app of pod ${pod.namespace}/${pod.name} is in CrashLoopBackOff (${restartCount} restarts)`, kubernetes: { container: 'app', reason: 'CrashLoopBackOff', restartCount } });
  }

  oomKill(pod: EntityRef, restartCount: number): UnifiedEvent {
    return this.signal('oom_killed', pod, { message: `Container app of pod ${pod.namespace}/${pod.name} was OOMKilled (exit 137), memory limit 512Mi`, kubernetes: { container: 'app', reason: 'OOMKilled', exitCode: 137, restartCount } });
  }

  probeFailure(pod: EntityRef, probe: 'Liveness' | 'Readiness', count = 1): UnifiedEvent {
    return this.signal('probe_failed', pod, {
      message: `Unhealthy: ${probe} probe failed: Get "http://10.244.1.7:8080/healthz": context deadline exceeded${count > 1 ? ` (x${count})` : ''}`,
      kubernetes: { eventReason: 'Unhealthy', eventType: 'Warning', count, reason: 'Unhealthy' },
    });
  }

  /** A Node condition going bad (node_not_ready, memory_pressure, ...) on the Node itself. */
  nodeCondition(node: string, type: EventType, condition: string, status = 'True'): UnifiedEvent {
    return this.signal(type, this.ref('Node', node), { message: `Node ${node} reports ${condition}=${status}`, kubernetes: { condition, conditionStatus: status } });
  }

  /** `kubectl delete` of a workload: it goes (its facts kept, as the API's DELETED carries them), then its pods. */
  deleteWorkload(workload: Workload): void {
    this.object('resource_deleted', this.workloadFacts(workload), `${workload.kind} ${workload.namespace}/${workload.name} deleted`, 'DELETED');
    for (const pod of workload.pods.splice(0)) this.retire(pod);
  }

  evict(pod: EntityRef, why = 'The node was low on resource: memory.'): UnifiedEvent {
    return this.signal('pod_evicted', pod, { message: `Pod ${pod.namespace}/${pod.name} was evicted: ${why}`, kubernetes: { reason: 'Evicted' } });
  }
}

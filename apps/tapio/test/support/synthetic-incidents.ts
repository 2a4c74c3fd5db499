import type { ExpectedEntity, K8sObject, RecordedLine } from './recording-variants.js';
import { containerStatus, oomKill, RecordingEditor, setReady } from './recording-editor.js';
import { endpointsReady, type Json, records, ref, spec, startContainer, startRollout, status } from './rollout-steps.js';

export interface SyntheticIncident {
  lines: RecordedLine[];
  accept: ExpectedEntity[];
}

/**
 * A rollout to an image tag that does not exist: the new pod never pulls it, the rollout stalls.
 * `beforeRollout` writes what happens just before the release (a harmless ConfigMap edit).
 */
export function badImageRollout(recording: readonly RecordedLine[], namespace: string, name: string, seed = 'pull', beforeRollout?: (editor: RecordingEditor) => void): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  editor.advance(95);
  beforeRollout?.(editor);
  let image = '';
  const { pods } = startRollout(editor, namespace, name, (template) => {
    const container = records((template['spec'] as Json)['containers'])[0] as Json;
    image = `${String(container['image']).split(':')[0]}:${String(container['image']).split(':')[1] ?? 'latest'}-hotfix`;
    container['image'] = image;
  }, ['node-1']);
  const pod = pods[0] as K8sObject;
  const fieldPath = `spec.containers{${String(containerStatus(pod)['name'])}}`;
  const podNamespace = pod.metadata.namespace;
  for (const backoff of [2, 10, 20, 40, 80, 160, 300]) {
    editor.event(pod, 'Pulling', `Pulling image "${image}"`, { fieldPath });
    editor.advance(1);
    editor.event(pod, 'Failed', `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`, { type: 'Warning', fieldPath });
    editor.event(pod, 'Failed', 'Error: ErrImagePull', { type: 'Warning', fieldPath });
    editor.modify('Pod', podNamespace, pod.metadata.name, (object) => void (containerStatus(object)['state'] = { waiting: { reason: 'ErrImagePull', message: `rpc error: code = NotFound desc = failed to pull and unpack image "${image}"` } }));
    editor.advance(1);
    editor.event(pod, 'BackOff', `Back-off pulling image "${image}"`, { fieldPath });
    editor.event(pod, 'Failed', 'Error: ImagePullBackOff', { type: 'Warning', fieldPath });
    editor.modify('Pod', podNamespace, pod.metadata.name, (object) => void (containerStatus(object)['state'] = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } }));
    editor.advance(backoff);
  }
  editor.modify('Deployment', namespace, name, (object) => {
    for (const condition of records(status(object)['conditions'])) {
      if (condition['type'] === 'Progressing') Object.assign(condition, { status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet has timed out progressing.`, lastUpdateTime: editor.now, lastTransitionTime: editor.now });
    }
  });
  const deployment = editor.get('Deployment', namespace, name);
  return { lines: editor.lines, accept: [ref(deployment), ...pods.map(ref), ref(editor.find('ReplicaSet', (rs) => rs.metadata.name === pod.metadata.name.replace(/-[^-]+$/, ''))[0] as K8sObject)] };
}

/** A node stops reporting: NotReady/Unknown, pods marked not ready, unreachable taints, then taint-based eviction and rescheduling. */
export function nodeFailure(recording: readonly RecordedLine[], nodeName: string, seed = 'node'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  editor.advance(130);
  const node = editor.modify('Node', undefined, nodeName, (object) => {
    for (const condition of records(status(object)['conditions'])) {
      Object.assign(condition, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: editor.now });
    }
    spec(object)['taints'] = [...records(spec(object)['taints']), { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: editor.now }];
  });
  editor.event(node, 'NodeNotReady', `Node ${nodeName} status is now: NodeNotReady`, { component: 'node-controller' });
  editor.advance(1);
  editor.modify('Node', undefined, nodeName, (object) => void (spec(object)['taints'] = [...records(spec(object)['taints']), { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: editor.now }]));
  const victims = editor.podsOn(nodeName).filter((pod) => !records(pod.metadata['ownerReferences']).some((owner) => owner['kind'] === 'DaemonSet'));
  for (const pod of victims) {
    editor.event(pod, 'NodeNotReady', 'Node is not ready', { type: 'Warning', component: 'node-controller' });
    editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => setReady(object, false, editor.now));
  }
  endpointsReady(editor, victims, false);
  editor.advance(300);
  for (const pod of victims) {
    editor.event(pod, 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`, { component: 'taint-eviction-controller' });
    editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => {
      object.metadata['deletionTimestamp'] = editor.now;
      object.metadata['deletionGracePeriodSeconds'] = 30;
    });
  }
  editor.advance(2);
  const others = ['node-1', 'node-2', 'node-3'].filter((name) => name !== nodeName);
  for (const [index, pod] of victims.entries()) {
    const owner = records(pod.metadata['ownerReferences'])[0];
    if (owner?.['kind'] !== 'ReplicaSet') continue;
    const replacement: K8sObject = structuredClone(pod);
    const replacementName = `${owner['name'] as string}-${editor.suffix(5)}`;
    replacement.metadata = { ...replacement.metadata, name: replacementName, uid: editor.uid(), creationTimestamp: editor.now };
    delete replacement.metadata['deletionTimestamp'];
    delete replacement.metadata['deletionGracePeriodSeconds'];
    spec(replacement)['nodeName'] = others[index % others.length];
    replacement['status'] = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }] };
    editor.add(replacement);
    editor.advance(4);
    editor.modify('Pod', pod.metadata.namespace, replacementName, (object) => {
      object['status'] = { ...status(pod), phase: 'Running', startTime: editor.now };
      setReady(object, true, editor.now);
      containerStatus(object)['restartCount'] = 0;
      containerStatus(object)['state'] = { running: { startedAt: editor.now } };
    });
  }
  return { lines: editor.lines, accept: [ref(node)] };
}

/**
 * A rollout tightens the liveness probe (1 s timeout) of a service that answers slowly:
 * the new pods start, then the kubelet kills them for failing liveness again and again.
 */
export function livenessDeathSpiral(recording: readonly RecordedLine[], namespace: string, name: string, seed = 'liveness'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  editor.advance(75);
  const old = editor.podsOf(namespace, name);
  const { replicaSet, pods } = startRollout(
    editor,
    namespace,
    name,
    (template) => {
      const container = records((template['spec'] as Json)['containers'])[0] as Json;
      container['livenessProbe'] = { ...(container['livenessProbe'] as Json), timeoutSeconds: 1, periodSeconds: 5, failureThreshold: 3 };
    },
    ['node-2', 'node-3'],
    old.length,
  );
  editor.advance(3);
  for (const pod of pods) startContainer(editor, pod, true);
  endpointsReady(editor, pods, true);
  for (const pod of old) editor.delete('Pod', pod.metadata.namespace, pod.metadata.name);
  const containerName = String(containerStatus(pods[0] as K8sObject)['name']);
  const fieldPath = `spec.containers{${containerName}}`;
  for (let restart = 1; restart <= 5; restart += 1) {
    for (const pod of pods) {
      const message = `Liveness probe failed: Get "http://${String(status(editor.get('Pod', namespace, pod.metadata.name))['podIP'])}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
      for (let failure = 0; failure < 3; failure += 1) {
        editor.event(pod, 'Unhealthy', message, { type: 'Warning', fieldPath });
        editor.advance(5);
      }
      editor.event(pod, 'Killing', `Container ${containerName} failed liveness probe, will be restarted`, { fieldPath });
      editor.modify('Pod', namespace, pod.metadata.name, (object) => {
        const container = containerStatus(object);
        container['lastState'] = { terminated: { exitCode: 137, reason: 'Error', startedAt: editor.now, finishedAt: editor.now } };
        container['restartCount'] = restart;
        container['state'] = restart >= 4 ? { waiting: { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=${containerName}` } } : { running: { startedAt: editor.now } };
        setReady(object, false, editor.now);
      });
      if (restart >= 4) editor.event(pod, 'BackOff', `Back-off restarting failed container ${containerName} in pod ${pod.metadata.name}_${namespace}(${pod.metadata.uid})`, { type: 'Warning', fieldPath });
    }
    editor.advance(20);
  }
  const deployment = editor.get('Deployment', namespace, name);
  return { lines: editor.lines, accept: [ref(deployment), ref(replicaSet), ...pods.map(ref)] };
}

/** A ConfigMap or Secret edited in place; the pods using it reload it and crash, with no rollout. */
export function configEditWithoutRollout(recording: readonly RecordedLine[], kind: 'ConfigMap' | 'Secret', namespace: string, name: string, seed = 'reload'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  editor.advance(200);
  const changed = editor.modify(kind, namespace, name, (object) => {
    const data = (object['data'] as Json | undefined) ?? {};
    const key = Object.keys(data)[0] ?? 'config.yaml';
    data[key] = kind === 'Secret' ? Buffer.from('<redacted:v2>').toString('base64') : `${String(data[key] ?? '')}\n  broken: [`;
    object['data'] = data;
  });
  const users = editor.find('Pod', (pod) => {
    const podSpec = spec(pod);
    const volumes = records(podSpec['volumes']);
    const inVolumes = volumes.some((volume) => (volume['configMap'] as Json | undefined)?.['name'] === name || (volume['secret'] as Json | undefined)?.['secretName'] === name);
    const inEnv = records(podSpec['containers']).some((container) => JSON.stringify(container['env'] ?? []).includes(`"name":"${name}"`) || JSON.stringify(container['envFrom'] ?? []).includes(`"name":"${name}"`));
    return pod.metadata.namespace === namespace && (inVolumes || inEnv);
  });
  if (users.length === 0) throw new Error(`no pod uses ${kind} ${namespace}/${name}`);
  editor.advance(45);
  for (let restart = 1; restart <= 4; restart += 1) {
    for (const pod of users) {
      const containerName = String(containerStatus(pod)['name']);
      editor.modify('Pod', namespace, pod.metadata.name, (object) => {
        const container = containerStatus(object);
        const restarts = Number(container['restartCount'] ?? 0) + 1;
        container['restartCount'] = restarts;
        container['lastState'] = { terminated: { exitCode: 1, reason: 'Error', startedAt: editor.now, finishedAt: editor.now } };
        container['state'] = restart >= 2 ? { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container=${containerName}` } } : { running: { startedAt: editor.now } };
        setReady(object, false, editor.now);
      });
      if (restart >= 2) editor.event(pod, 'BackOff', `Back-off restarting failed container ${containerName} in pod ${pod.metadata.name}_${namespace}(${pod.metadata.uid})`, { type: 'Warning', fieldPath: `spec.containers{${containerName}}` });
      editor.advance(3);
    }
    endpointsReady(editor, users, false);
    editor.advance(10 * restart);
  }
  return { lines: editor.lines, accept: [ref(changed)] };
}

/** A memory leak: one Deployment's containers are OOM-killed again and again; nothing else happens. */
export function memoryLeak(recording: readonly RecordedLine[], namespace: string, name: string, seed = 'leak'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  editor.advance(150);
  const pods = editor.podsOf(namespace, name);
  for (let kill = 1; kill <= 4; kill += 1) {
    for (const pod of pods) {
      oomKill(editor, namespace, pod.metadata.name, (now) => (kill >= 3 ? { waiting: { reason: 'CrashLoopBackOff' } } : { running: { startedAt: now } }));
      editor.advance(20);
    }
    editor.advance(60);
  }
  const deployment = editor.get('Deployment', namespace, name);
  return { lines: editor.lines, accept: [ref(deployment), ...pods.map(ref)] };
}

/** Sets the Endpoints of Service `namespace/name` to exactly these ready pods. */
function endpointsOf(editor: RecordingEditor, namespace: string, name: string, pods: readonly K8sObject[]): void {
  editor.modify('Endpoints', namespace, name, (object) => {
    const subsets = records(object['subsets']);
    const ports = subsets[0]?.['ports'] ?? [{ name: 'http', port: 8080, protocol: 'TCP' }];
    const addresses = pods.map((pod) => ({ ip: status(pod)['podIP'] ?? '10.244.9.9', nodeName: spec(pod)['nodeName'], targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid } }));
    object['subsets'] = addresses.length ? [{ addresses, ports }] : [];
  });
}

/**
 * The Service selects on `app.kubernetes.io/name`; a rollout renames that pod-template
 * label. The new pods run fine but are not selected, the old ones go, and the Service
 * is left without endpoints.
 */
export function serviceLosesPodsByLabel(recording: readonly RecordedLine[], namespace: string, name: string, seed = 'label'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  editor.rewriteStart('Service', namespace, name, (service) => void (spec(service)['selector'] = { 'app.kubernetes.io/name': name }));
  editor.advance(110);
  const old = editor.podsOf(namespace, name);
  const { pods } = startRollout(editor, namespace, name, (template) => void (((template['metadata'] as Json)['labels'] as Json)['app.kubernetes.io/name'] = `${name}-api`), ['node-1', 'node-3'], old.length);
  editor.advance(4);
  const running = pods.map((pod) => startContainer(editor, pod, true));
  editor.advance(2);
  for (const pod of old) {
    editor.event(pod, 'Killing', `Stopping container ${String(containerStatus(pod)['name'])}`);
    editor.delete('Pod', namespace, pod.metadata.name);
  }
  endpointsOf(editor, namespace, name, []);
  editor.advance(30);
  void running;
  return { lines: editor.lines, accept: [ref(editor.get('Deployment', namespace, name))] };
}

/** Someone edits the Service's selector with a typo; every endpoint disappears at once. */
export function serviceSelectorTypo(recording: readonly RecordedLine[], namespace: string, name: string, seed = 'typo'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  editor.advance(140);
  const service = editor.modify('Service', namespace, name, (object) => void (spec(object)['selector'] = { app: `${name}e` }));
  editor.advance(1);
  endpointsOf(editor, namespace, name, []);
  editor.advance(60);
  return { lines: editor.lines, accept: [ref(service)] };
}

import type { K8sObject, RecordedLine } from './recording-variants.js';
import { containerStatus, RecordingEditor, setReady } from './recording-editor.js';
import { endpointsReady, firstContainer, type Json, nodesOf, records, ref, spec, startContainer, startRollout, status } from './rollout-steps.js';
import type { SyntheticIncident } from './synthetic-incidents.js';

/** Sets the Deployment's Progressing condition (ProgressDeadlineExceeded or NewReplicaSetAvailable) as the deployment controller writes it. */
function progressing(editor: RecordingEditor, namespace: string, name: string, replicaSet: string, done: boolean): K8sObject {
  return editor.modify('Deployment', namespace, name, (object) => {
    for (const condition of records(status(object)['conditions'])) {
      if (condition['type'] !== 'Progressing') continue;
      Object.assign(
        condition,
        done
          ? { status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${replicaSet}" has successfully progressed.`, lastUpdateTime: editor.now }
          : { status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${replicaSet}" has timed out progressing.`, lastUpdateTime: editor.now, lastTransitionTime: editor.now },
      );
    }
    if (done) status(object)['updatedReplicas'] = spec(object)['replicas'];
  });
}

/**
 * A rollout whose new pod starts but never passes its readiness probe (the new version
 * waits for a feature-flag service named by a new environment variable): the old pods keep
 * serving, the rollout stops at its first new pod and the Deployment reports
 * ProgressDeadlineExceeded after `progressDeadlineSeconds`. With `readyAfter` (benign) the
 * new pods warm up for that many seconds, become ready, and the rollout completes.
 */
export function stalledRollout(recording: readonly RecordedLine[], namespace: string, name: string, options: { seed?: string; readyAfter?: number } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `stall-${name}`);
  editor.advance(70);
  const old = editor.podsOf(namespace, name);
  const deadline = Number(spec(editor.get('Deployment', namespace, name))['progressDeadlineSeconds'] ?? 600);
  const nodes = nodesOf(old);
  const benign = options.readyAfter !== undefined;
  const { replicaSet, pods } = startRollout(
    editor,
    namespace,
    name,
    (template) => {
      const container = firstContainer(template);
      container['env'] = [...records(container['env']), { name: 'FEATURE_FLAGS_URL', value: 'http://flagd.platform.svc:8013' }];
    },
    nodes,
    benign ? old.length : 1,
  );
  editor.advance(3);
  for (const pod of pods) startContainer(editor, pod, false);
  const containerName = String(containerStatus(pods[0] as K8sObject)['name']);
  const fieldPath = `spec.containers{${containerName}}`;
  const failFor = options.readyAfter ?? deadline + 30;
  for (let waited = 0; waited < failFor; waited += 10) {
    for (const pod of pods) editor.event(pod, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { type: 'Warning', fieldPath });
    editor.advance(10);
  }
  if (!benign) {
    progressing(editor, namespace, name, replicaSet.metadata.name, false);
    editor.advance(60);
    return { lines: editor.lines, accept: [ref(editor.get('Deployment', namespace, name)), ref(replicaSet), ...pods.map(ref)] };
  }
  // Benign: the warm-up ends, the new pods are ready and the old ones go.
  for (const pod of pods) editor.modify('Pod', namespace, pod.metadata.name, (object) => setReady(object, true, editor.now));
  endpointsReady(editor, pods, true);
  for (const previous of old) {
    editor.advance(5);
    editor.event(previous, 'Killing', `Stopping container ${containerName}`, { fieldPath });
    editor.delete('Pod', namespace, previous.metadata.name);
  }
  editor.advance(5);
  progressing(editor, namespace, name, replicaSet.metadata.name, true);
  editor.advance(60);
  return { lines: editor.lines, accept: [] };
}

/** How the new pod template breaks the pods: a memory limit below the working set, or a new argument the binary rejects. */
export type Regression = 'memory-limit' | 'bad-argument';

/**
 * A rollout changes the pod template and its new pods fail over and over: OOM-killed at the
 * lowered memory limit, or exiting 2 at start on a flag the binary does not know. The first
 * new pod (maxSurge) crash-loops; the old pods keep serving. With `healthy` (benign) the same
 * rollout's new pod restarts once while it warms up, then runs and replaces an old pod.
 */
export function rolloutRegression(recording: readonly RecordedLine[], namespace: string, name: string, regression: Regression, options: { seed?: string; healthy?: boolean } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `regress-${name}`);
  editor.advance(85);
  const old = editor.podsOf(namespace, name);
  const nodes = nodesOf(old).reverse();
  const { replicaSet, pods } = startRollout(
    editor,
    namespace,
    name,
    (template) => {
      const container = firstContainer(template);
      if (regression === 'memory-limit') container['resources'] = { ...(container['resources'] as Json), limits: { memory: '128Mi' } };
      else container['args'] = [...records(container['args']).map(String), '--cache-backend=redis-cluster'];
    },
    nodes.slice(0, 1),
  );
  const [pod] = pods as [K8sObject];
  const containerName = String(containerStatus(pod)['name']);
  const fieldPath = `spec.containers{${containerName}}`;
  const exit = regression === 'memory-limit' ? { exitCode: 137, reason: 'OOMKilled' } : { exitCode: 2, reason: 'Error', message: 'flag provided but not defined: -cache-backend' };
  editor.advance(2);
  startContainer(editor, pod, false);
  const crashes = options.healthy ? 1 : 6;
  for (let restart = 1; restart <= crashes; restart += 1) {
    editor.advance(regression === 'memory-limit' ? 25 : 2);
    editor.modify('Pod', namespace, pod.metadata.name, (object) => {
      const container = containerStatus(object);
      container['lastState'] = { terminated: { ...exit, startedAt: editor.now, finishedAt: editor.now } };
      container['restartCount'] = restart;
      container['state'] = restart >= 2 ? { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.min(300, 10 * 2 ** (restart - 2))}s restarting failed container=${containerName} pod=${pod.metadata.name}_${namespace}(${pod.metadata.uid})` } } : { running: { startedAt: editor.now } };
      setReady(object, false, editor.now);
    });
    if (restart >= 2) editor.event(pod, 'BackOff', `Back-off restarting failed container ${containerName} in pod ${pod.metadata.name}_${namespace}(${pod.metadata.uid})`, { type: 'Warning', fieldPath });
    editor.advance(Math.min(300, 10 * 2 ** (restart - 1)));
    editor.event(pod, 'Pulled', `Container image "${String(containerStatus(pod)['image'])}" already present on machine`, { fieldPath });
    editor.event(pod, 'Started', `Started container ${containerName}`, { fieldPath });
    editor.modify('Pod', namespace, pod.metadata.name, (object) => void (containerStatus(object)['state'] = { running: { startedAt: editor.now } }));
  }
  if (!options.healthy) {
    editor.advance(40);
    return { lines: editor.lines, accept: [ref(editor.get('Deployment', namespace, name)), ref(replicaSet), ref(pod)] };
  }
  // Benign: after its one restart the new pod is ready and replaces an old one; the rollout goes on.
  editor.advance(15);
  editor.modify('Pod', namespace, pod.metadata.name, (object) => setReady(object, true, editor.now));
  endpointsReady(editor, [pod], true);
  const replaced = old[0] as K8sObject;
  editor.advance(5);
  editor.event(replaced, 'Killing', `Stopping container ${containerName}`, { fieldPath });
  editor.delete('Pod', namespace, replaced.metadata.name);
  editor.advance(90);
  return { lines: editor.lines, accept: [] };
}

import type { K8sObject, RecordedLine } from './recording-variants.js';
import { containerStatus, RecordingEditor, setReady } from './recording-editor.js';
import { endpointsReady, firstContainer, type Json, nodesOf, records, ref, startContainer, startRollout } from './rollout-steps.js';
import type { SyntheticIncident } from './synthetic-incidents.js';

/** The old pod a healthy rollout step replaces: stopped and deleted. */
function retireOne(editor: RecordingEditor, old: K8sObject, fieldPath: string, containerName: string): void {
  editor.advance(5);
  editor.event(old, 'Killing', `Stopping container ${containerName}`, { fieldPath });
  editor.delete('Pod', old.metadata.namespace, old.metadata.name);
}

/**
 * A rollout whose new template reads a key of a ConfigMap that was never created: the kubelet
 * cannot build the container's environment (CreateContainerConfigError) and says so in one
 * `Failed` Event it repeats at each retry, for three minutes here; the old pods keep serving,
 * nothing crashes. With `createdAfter` (benign) the ConfigMap is applied that many seconds
 * after the Deployment (an apply order a GitOps tool may take): a retry starts the container.
 */
export function rolloutMissingConfig(recording: readonly RecordedLine[], namespace: string, name: string, options: { seed?: string; createdAfter?: number } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `missing-config-${name}`);
  editor.advance(75);
  const old = editor.podsOf(namespace, name);
  const nodes = nodesOf(old);
  const config = `${name}-settings`;
  const { replicaSet, pods } = startRollout(
    editor,
    namespace,
    name,
    (template) => {
      const container = firstContainer(template);
      container['env'] = [...records(container['env']), { name: 'REGION', valueFrom: { configMapKeyRef: { name: config, key: 'region' } } }];
    },
    nodes.slice(0, 1),
  );
  const [pod] = pods as [K8sObject];
  const containerName = String(containerStatus(pod)['name']);
  const fieldPath = `spec.containers{${containerName}}`;
  editor.advance(1);
  editor.modify('Pod', namespace, pod.metadata.name, (object) => void (containerStatus(object)['state'] = { waiting: { reason: 'CreateContainerConfigError', message: `configmap "${config}" not found` } }));
  const failFor = options.createdAfter ?? 180;
  for (let waited = 0; waited < failFor; waited += 12) {
    editor.event(pod, 'Pulled', `Container image "${String(containerStatus(pod)['image'])}" already present on machine`, { fieldPath });
    editor.event(pod, 'Failed', `Error: configmap "${config}" not found`, { type: 'Warning', fieldPath });
    editor.advance(12);
  }
  if (options.createdAfter === undefined) {
    editor.advance(30);
    return { lines: editor.lines, accept: [ref(editor.get('Deployment', namespace, name)), ref(replicaSet)] };
  }
  editor.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: config, namespace, uid: editor.uid() }, data: { region: 'eu-west-1' } });
  editor.advance(4);
  editor.event(pod, 'Started', `Started container ${containerName}`, { fieldPath });
  startContainer(editor, pod, true);
  endpointsReady(editor, [pod], true);
  retireOne(editor, old[0] as K8sObject, fieldPath, containerName);
  editor.advance(90);
  return { lines: editor.lines, accept: [] };
}

/**
 * A rollout that points the readiness probe at a path the app does not serve: the new pod
 * runs, its probe answers 404 every ten seconds (one `Unhealthy` Event the kubelet repeats),
 * nothing restarts, the rollout waits at its first new pod; five minutes here, before its
 * progress deadline. With `readyAfter` (benign) the new pod only starts slowly: the probe
 * fails with connection refused for that many seconds, then passes.
 */
export function rolloutNeverReady(recording: readonly RecordedLine[], namespace: string, name: string, options: { seed?: string; readyAfter?: number } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `never-ready-${name}`);
  editor.advance(80);
  const old = editor.podsOf(namespace, name);
  const nodes = nodesOf(old).reverse();
  const benign = options.readyAfter !== undefined;
  const { replicaSet, pods } = startRollout(
    editor,
    namespace,
    name,
    (template) => {
      const container = firstContainer(template);
      if (benign) container['image'] = `${String(container['image']).replace(/:.*$/, '')}:2.16.0`;
      else container['readinessProbe'] = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 3 };
    },
    nodes.slice(0, 1),
  );
  const [pod] = pods as [K8sObject];
  const containerName = String(containerStatus(pod)['name']);
  const fieldPath = `spec.containers{${containerName}}`;
  editor.advance(2);
  editor.event(pod, 'Started', `Started container ${containerName}`, { fieldPath });
  startContainer(editor, pod, false);
  const podIp = String((editor.get('Pod', namespace, pod.metadata.name)['status'] as Json)['podIP']);
  const failure = benign ? `Readiness probe failed: Get "http://${podIp}:8080/ready": dial tcp ${podIp}:8080: connect: connection refused` : 'Readiness probe failed: HTTP probe failed with statuscode: 404';
  const failFor = options.readyAfter ?? 300;
  for (let waited = 0; waited < failFor; waited += 10) {
    editor.event(pod, 'Unhealthy', failure, { type: 'Warning', fieldPath });
    editor.advance(10);
  }
  if (!benign) {
    editor.advance(20);
    return { lines: editor.lines, accept: [ref(editor.get('Deployment', namespace, name)), ref(replicaSet)] };
  }
  editor.modify('Pod', namespace, pod.metadata.name, (object) => setReady(object, true, editor.now));
  endpointsReady(editor, [pod], true);
  retireOne(editor, old[0] as K8sObject, fieldPath, containerName);
  editor.advance(90);
  return { lines: editor.lines, accept: [] };
}

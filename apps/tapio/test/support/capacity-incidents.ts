import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor, setReady } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';

type Json = Record<string, unknown>;
const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const spec = (object: K8sObject) => object['spec'] as Json;
const status = (object: K8sObject) => object['status'] as Json;
const ref = (object: K8sObject) => ({ kind: object.kind, namespace: object.metadata.namespace ?? null, name: object.metadata.name });

/** The ReplicaSet of a Deployment that currently has replicas. */
export function activeReplicaSet(editor: RecordingEditor, namespace: string, deployment: string): K8sObject {
  const owner = editor.get('Deployment', namespace, deployment);
  const [set] = editor.find('ReplicaSet', (rs) => rs.metadata.namespace === namespace && records(rs.metadata['ownerReferences']).some((item) => item['uid'] === owner.metadata.uid) && Number(spec(rs)['replicas'] ?? 0) > 0);
  if (!set) throw new Error(`Deployment ${namespace}/${deployment} has no active ReplicaSet`);
  return set;
}

/** A new pod of a ReplicaSet, scheduled on `node` and running (ready or not), as the API server reports it in three steps. */
export function runPod(editor: RecordingEditor, replicaSet: K8sObject, node: string, ready = true, extraSpec: Json = {}): K8sObject {
  const namespace = replicaSet.metadata.namespace as string;
  const template = spec(replicaSet)['template'] as Json;
  const name = `${replicaSet.metadata.name}-${editor.suffix(5)}`;
  const containers = structuredClone((template['spec'] as Json)['containers']) as Json[];
  editor.add({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: editor.uid(), labels: { ...((template['metadata'] as Json)['labels'] as Json) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: replicaSet.kind, name: replicaSet.metadata.name, uid: replicaSet.metadata.uid, controller: true, blockOwnerDeletion: true }] },
    spec: { ...structuredClone(template['spec'] as Json), ...extraSpec },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  });
  editor.event(replicaSet, 'SuccessfulCreate', `Created pod: ${name}`, { component: 'replicaset-controller' });
  const scheduled = editor.modify('Pod', namespace, name, (pod) => {
    spec(pod)['nodeName'] = node;
    pod['status'] = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }], qosClass: 'Burstable' };
  });
  editor.event(scheduled, 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`, { component: 'default-scheduler' });
  editor.advance(2);
  return editor.modify('Pod', namespace, name, (pod) => {
    pod['status'] = {
      phase: 'Running',
      hostIP: '10.0.1.10',
      podIP: `10.244.${name.length % 250}.${(name.charCodeAt(name.length - 1) * 3) % 250}`,
      startTime: editor.now,
      qosClass: 'Burstable',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: editor.now })),
      containerStatuses: containers.map((container) => ({ name: container['name'], image: container['image'], imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: editor.now } }, lastState: {}, containerID: `containerd://${editor.uid().replace(/-/g, '')}` })),
    };
    if (!ready) setReady(pod, false, editor.now);
  });
}

/** A pod of the ReplicaSet the scheduler cannot place, with its FailedScheduling Event. */
export function pendingPod(editor: RecordingEditor, replicaSet: K8sObject, why: string): K8sObject {
  const namespace = replicaSet.metadata.namespace as string;
  const template = spec(replicaSet)['template'] as Json;
  const name = `${replicaSet.metadata.name}-${editor.suffix(5)}`;
  editor.add({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: editor.uid(), labels: { ...((template['metadata'] as Json)['labels'] as Json) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: replicaSet.kind, name: replicaSet.metadata.name, uid: replicaSet.metadata.uid, controller: true, blockOwnerDeletion: true }] },
    spec: structuredClone(template['spec'] as Json),
    status: { phase: 'Pending', qosClass: 'Burstable' },
  });
  editor.event(replicaSet, 'SuccessfulCreate', `Created pod: ${name}`, { component: 'replicaset-controller' });
  const pod = editor.modify('Pod', namespace, name, (object) => {
    object['status'] = { phase: 'Pending', qosClass: 'Burstable', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: why, lastTransitionTime: editor.now }] };
  });
  editor.event(pod, 'FailedScheduling', why, { type: 'Warning', component: 'default-scheduler' });
  return pod;
}

/** Scales a Deployment (and its active ReplicaSet) the way the controllers report it. */
export function scaleDeployment(editor: RecordingEditor, namespace: string, name: string, replicas: number): K8sObject {
  const set = activeReplicaSet(editor, namespace, name);
  const deployment = editor.modify('Deployment', namespace, name, (object) => {
    spec(object)['replicas'] = replicas;
    object.metadata['generation'] = Number(object.metadata['generation'] ?? 1) + 1;
  });
  editor.event(deployment, 'ScalingReplicaSet', `Scaled up replica set ${set.metadata.name} from ${String(spec(set)['replicas'])} to ${replicas}`, { component: 'deployment-controller' });
  return editor.modify('ReplicaSet', namespace, set.metadata.name, (object) => {
    spec(object)['replicas'] = replicas;
  });
}

/**
 * A namespace's ResourceQuota (created at the start with room) is lowered, or raised when
 * `benign`; a Deployment is then scaled up. Lowered: the ReplicaSet's FailedCreate
 * "exceeded quota" repeats. Raised: the new pods run.
 */
export function quotaChange(recording: readonly RecordedLine[], namespace: string, deployment: string, options: { quota: string; resource: 'pods' | 'limits.memory'; benign?: boolean; seed?: string }): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `quota-${options.quota}`);
  const running = editor.podsOf(namespace, deployment).length;
  const hard = options.resource === 'pods' ? { pods: '20' } : { 'limits.memory': '16Gi' };
  const quota = editor.add({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: options.quota, namespace, uid: editor.uid() }, spec: { hard }, status: { hard, used: options.resource === 'pods' ? { pods: String(running + 6) } : { 'limits.memory': `${running * 512}Mi` } } });
  editor.advance(120);
  const lowered = options.resource === 'pods' ? { pods: String(running + (options.benign ? 20 : 0)) } : { 'limits.memory': options.benign ? '32Gi' : `${running * 512}Mi` };
  editor.modify('ResourceQuota', namespace, options.quota, (object) => {
    spec(object)['hard'] = lowered;
  });
  editor.advance(options.benign ? 45 : 20);
  const set = scaleDeployment(editor, namespace, deployment, running + 2);
  editor.advance(1);
  if (options.benign) {
    for (const node of ['node-1', 'node-3']) runPod(editor, set, node);
    editor.advance(60);
    return { lines: editor.lines, accept: [] };
  }
  const requested = options.resource === 'pods' ? `pods=1, used: pods=${running}, limited: pods=${running}` : `limits.memory=512Mi, used: limits.memory=${running * 512}Mi, limited: limits.memory=${running * 512}Mi`;
  for (let round = 0; round < 6; round += 1) {
    editor.event(set, 'FailedCreate', `Error creating: pods "${set.metadata.name}-${editor.suffix(5)}" is forbidden: exceeded quota: ${options.quota}, requested: ${requested}`, { type: 'Warning', component: 'replicaset-controller' });
    editor.advance(round < 3 ? 1 : 20);
  }
  return { lines: editor.lines, accept: [ref(quota)] };
}

/** A LimitRange's maximum memory per container is lowered below what a Deployment asks; its scale-up is refused. */
export function limitRangeTightened(recording: readonly RecordedLine[], namespace: string, deployment: string, seed = 'limits'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const limitRange = editor.add({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: `${namespace}-limits`, namespace, uid: editor.uid() }, spec: { limits: [{ type: 'Container', max: { memory: '4Gi' }, default: { memory: '512Mi' } }] } });
  editor.advance(90);
  editor.modify('LimitRange', namespace, `${namespace}-limits`, (object) => {
    spec(object)['limits'] = [{ type: 'Container', max: { memory: '256Mi' }, default: { memory: '128Mi' } }];
  });
  editor.advance(40);
  const set = scaleDeployment(editor, namespace, deployment, editor.podsOf(namespace, deployment).length + 1);
  const container = records(((spec(set)['template'] as Json)['spec'] as Json)['containers'])[0];
  const limit = String(((container?.['resources'] as Json | undefined)?.['limits'] as Json | undefined)?.['memory'] ?? '512Mi');
  for (let round = 0; round < 5; round += 1) {
    editor.advance(round < 2 ? 1 : 15);
    editor.event(set, 'FailedCreate', `Error creating: pods "${set.metadata.name}-${editor.suffix(5)}" is forbidden: maximum memory usage per Container is 256Mi, but limit is ${limit}`, { type: 'Warning', component: 'replicaset-controller' });
  }
  return { lines: editor.lines, accept: [ref(limitRange)] };
}

import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor } from './recording-editor.js';
import { endpointsReady, type Json, records, ref, spec, startContainer, startRollout } from './rollout-steps.js';
import type { SyntheticIncident } from './synthetic-incidents.js';

/** The scheduler's refusal when every node carries a taint the pod does not tolerate, or lacks the label it requires (1.34's wording). */
const refusal = (nodes: number, by: 'taint' | 'label') =>
  `0/${nodes} nodes are available: ${nodes} node(s) ${by === 'taint' ? 'had untolerated taint(s)' : "didn't match Pod's node affinity/selector"}. preemption: 0/${nodes} nodes are available: ${nodes} Preemption is not helpful for scheduling.`;

/** The label the pods require (their selector is not written out: nothing Tapio reads keeps it). */
const POOL_LABEL = 'pool';

/**
 * Someone taints every node of the cluster NoSchedule (`kubectl taint nodes --all
 * dedicated=batch:NoSchedule`, a pool being prepared), or (`by: 'label'`) takes off every node
 * the label the workload's pods require (`kubectl label nodes --all pool-`, a pool renamed; the
 * nodes get it a minute before): running pods stay, then a routine restart of the workload
 * makes a pod no node takes; the scheduler says so at each retry for four minutes here. With
 * `removedAfter` (benign) the change is undone that many seconds after it was made and the pod
 * is scheduled and runs.
 */
export function nodesTaintedThenRestart(recording: readonly RecordedLine[], namespace: string, name: string, options: { seed?: string; removedAfter?: number; by?: 'taint' | 'label' } = {}): SyntheticIncident {
  const by = options.by ?? 'taint';
  const editor = new RecordingEditor(recording, options.seed ?? `tainted-${name}`);
  const nodes = editor.find('Node', () => true);
  const label = (object: Json, value: string | undefined) => {
    const labels = { ...((object['metadata'] as Json)['labels'] as Json | undefined) };
    if (value === undefined) delete labels[POOL_LABEL];
    else labels[POOL_LABEL] = value;
    (object['metadata'] as Json)['labels'] = labels;
  };
  if (by === 'label') {
    editor.advance(10);
    for (const node of nodes) editor.modify('Node', undefined, node.metadata.name, (object) => label(object, 'web'));
  }
  editor.advance(by === 'label' ? 60 : 70);
  const taint = { key: 'dedicated', value: 'batch', effect: 'NoSchedule', timeAdded: editor.now };
  for (const node of nodes) {
    editor.modify('Node', undefined, node.metadata.name, (object) => (by === 'taint' ? void (spec(object)['taints'] = [...records(spec(object)['taints']), taint]) : label(object, undefined)));
  }
  editor.advance(20);
  const { pods } = startRollout(editor, namespace, name, (template) => {
    const metadata = template['metadata'] as Json;
    metadata['annotations'] = { ...(metadata['annotations'] as Json | undefined), 'kubectl.kubernetes.io/restartedAt': editor.now };
  }, []);
  const [pod] = pods as [K8sObject];
  const message = refusal(nodes.length, by);
  editor.modify('Pod', namespace, pod.metadata.name, (object) => void (object['status'] = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: editor.now }] }));
  const waitFor = options.removedAfter !== undefined ? Math.max(0, options.removedAfter - 20) : 240;
  for (let waited = 0; waited < waitFor; waited += 30) {
    editor.event(pod, 'FailedScheduling', message, { type: 'Warning', component: 'default-scheduler' });
    editor.advance(Math.min(30, waitFor - waited));
  }
  if (options.removedAfter === undefined) {
    editor.advance(20);
    return { lines: editor.lines, accept: nodes.map(ref) };
  }
  for (const node of nodes) {
    editor.modify('Node', undefined, node.metadata.name, (object) => (by === 'taint' ? void (spec(object)['taints'] = records(spec(object)['taints']).filter((item) => item['key'] !== 'dedicated')) : label(object, 'web')));
  }
  editor.advance(2);
  const node = nodes[0]?.metadata.name as string;
  editor.modify('Pod', namespace, pod.metadata.name, (object) => {
    spec(object)['nodeName'] = node;
    const container = records(spec(object)['containers'])[0] as Json;
    object['status'] = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }],
      containerStatuses: [{ name: container['name'], image: container['image'], imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} }],
    };
  });
  editor.event(pod, 'Scheduled', `Successfully assigned ${namespace}/${pod.metadata.name} to ${node}`, { component: 'default-scheduler' });
  editor.advance(3);
  startContainer(editor, editor.get('Pod', namespace, pod.metadata.name), true);
  endpointsReady(editor, [pod], true);
  editor.advance(120);
  return { lines: editor.lines, accept: [] };
}

/**
 * The Deployment behind a Service is deleted (`kubectl delete deployment`): its ReplicaSets and
 * pods go, the Service stays and its Endpoints empty. With `then: 'service'` (benign, an app
 * decommissioned) the Service and its Endpoints are deleted two seconds later; with
 * `then: 'reapply'` (benign, a replace) it is applied again and a pod is ready 40 s later.
 */
export function workloadDeleted(recording: readonly RecordedLine[], namespace: string, name: string, options: { seed?: string; then?: 'service' | 'reapply' } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `deleted-${name}`);
  editor.advance(65);
  const deployment = editor.get('Deployment', namespace, name);
  const pods = editor.podsOf(namespace, name);
  const sets = editor.find('ReplicaSet', (rs) => rs.metadata.namespace === namespace && records(rs.metadata['ownerReferences']).some((owner) => owner['uid'] === deployment.metadata.uid));
  editor.delete('Deployment', namespace, name);
  editor.advance(1);
  for (const pod of pods) {
    editor.modify('Pod', namespace, pod.metadata.name, (object) => void (object.metadata['deletionTimestamp'] = editor.now));
    editor.event(pod, 'Killing', `Stopping container ${String((records(spec(pod)['containers'])[0] as Json)['name'])}`);
  }
  endpointsReady(editor, pods, false);
  for (const set of sets) editor.delete('ReplicaSet', namespace, set.metadata.name);
  editor.advance(3);
  for (const pod of pods) editor.delete('Pod', namespace, pod.metadata.name);
  if (options.then === 'service') {
    editor.advance(2);
    editor.delete('Service', namespace, name);
    for (const endpoints of editor.find('Endpoints', (item) => item.metadata.namespace === namespace && item.metadata.name === name)) editor.delete('Endpoints', namespace, endpoints.metadata.name);
    editor.advance(180);
    return { lines: editor.lines, accept: [] };
  }
  if (options.then === 'reapply') {
    editor.advance(30);
    const again: K8sObject = structuredClone(deployment);
    again.metadata = { ...again.metadata, uid: editor.uid(), creationTimestamp: editor.now };
    editor.add(again);
    const set = sets[0] as K8sObject;
    const replicaSet: K8sObject = structuredClone(set);
    replicaSet.metadata = { ...replicaSet.metadata, uid: editor.uid(), creationTimestamp: editor.now, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: again.metadata.uid, controller: true }] };
    editor.add(replicaSet);
    const pod: K8sObject = structuredClone(pods[0] as K8sObject);
    pod.metadata = { ...pod.metadata, name: `${replicaSet.metadata.name}-${editor.suffix(5)}`, uid: editor.uid(), creationTimestamp: editor.now, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet.metadata.name, uid: replicaSet.metadata.uid, controller: true }] };
    delete pod.metadata['deletionTimestamp'];
    editor.add(pod);
    editor.advance(8);
    startContainer(editor, pod, true);
    for (const endpoints of editor.find('Endpoints', (item) => item.metadata.namespace === namespace && item.metadata.name === name)) {
      editor.modify('Endpoints', namespace, endpoints.metadata.name, (object) => void (object['subsets'] = [{ addresses: [{ ip: '10.244.9.9', targetRef: { kind: 'Pod', name: pod.metadata.name, namespace, uid: pod.metadata.uid } }], ports: [{ port: 8080, protocol: 'TCP' }] }]));
    }
    editor.advance(180);
    return { lines: editor.lines, accept: [] };
  }
  editor.advance(180);
  return { lines: editor.lines, accept: [ref(deployment)] };
}

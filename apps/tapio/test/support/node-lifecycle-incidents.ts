import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor, setReady } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';
import { activeReplicaSet, pendingPod, runPod } from './capacity-incidents.js';

type Json = Record<string, unknown>;
const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const spec = (object: K8sObject) => object['spec'] as Json;
const ref = (object: K8sObject) => ({ kind: object.kind, namespace: object.metadata.namespace ?? null, name: object.metadata.name });

function nodeCondition(editor: RecordingEditor, node: string, type: string, value: 'True' | 'False' | 'Unknown', reason: string): void {
  editor.modify('Node', undefined, node, (object) => {
    for (const condition of records((object['status'] as Json)['conditions'])) {
      if (condition['type'] === type) Object.assign(condition, { status: value, reason, lastTransitionTime: editor.now });
    }
  });
}

const workloadOf = (pod: K8sObject): string => String(records(pod.metadata['ownerReferences'])[0]?.['name'] ?? '').replace(/-[a-z0-9]{8,10}$/, '');

/** How the kubelet tells each node pressure: the Node condition, its Events, the resource its eviction messages name. */
const PRESSURE = {
  memory: { condition: 'MemoryPressure', reason: 'KubeletHasInsufficientMemory', event: 'NodeHasInsufficientMemory', resource: 'memory' },
  disk: { condition: 'DiskPressure', reason: 'KubeletHasDiskPressure', event: 'NodeHasDiskPressure', resource: 'ephemeral-storage' },
  // The kubelet's PID eviction message names the resource without any container's figure.
  pids: { condition: 'PIDPressure', reason: 'KubeletHasInsufficientPID', event: 'NodeHasInsufficientPID', resource: 'pids' },
} as const;

export interface NodePressureOptions {
  /** What the node runs low on: memory (the default), disk (ephemeral-storage: writable layers, logs, emptyDir), or pids (processes). */
  pressure?: keyof typeof PRESSURE;
  /** Neighbours evicted beside the consumer. */
  victims?: number;
  seed?: string;
  /**
   * consumer-first (the default): the consumer is the most above its request and goes first,
   * then neighbours within theirs. victims-first: the neighbours have a lower priority and a
   * negligible use, so the kubelet takes them first and the consumer last; with `consumerEvicted:
   * false` the recording ends before it.
   */
  order?: 'consumer-first' | 'victims-first';
  consumerEvicted?: boolean;
  /**
   * With victims-first, what made the node run low: a release of the consumer just before
   * (the default), a leak (no change: it grows on its own), or nothing Kubernetes shows (a
   * process of the host's own: the consumer is left as it was and never evicted; the truth is
   * the Node).
   */
  grows?: 'release' | 'leak' | 'outside';
}

/**
 * A Deployment without a memory (or ephemeral-storage) limit grows on `node` until the kubelet
 * reports MemoryPressure (DiskPressure) and evicts by its ranking: the consumer and `victims`
 * neighbours, in the order `options.order` says, each with the figures of its eviction message.
 */
export function nodePressureEviction(recording: readonly RecordedLine[], node: string, namespace: string, consumer: string, options: NodePressureOptions = {}): SyntheticIncident {
  const pressure = PRESSURE[options.pressure ?? 'memory'];
  const victims = options.victims ?? 2;
  const editor = new RecordingEditor(recording, options.seed ?? 'pressure');
  const [first] = editor.podsOf(namespace, consumer);
  if (!first) throw new Error(`no pod of ${namespace}/${consumer}`);
  const victimsFirst = options.order === 'victims-first';
  const grows = victimsFirst ? (options.grows ?? 'release') : 'release';
  const set = activeReplicaSet(editor, namespace, consumer);
  if (grows !== 'outside') {
    editor.rewriteStart('Deployment', namespace, consumer, (object) => {
      for (const container of records(((spec(object)['template'] as Json)['spec'] as Json)['containers'])) container['resources'] = { requests: { cpu: '100m' } };
    });
    editor.rewriteStart('ReplicaSet', namespace, set.metadata.name, (object) => {
      for (const container of records(((spec(object)['template'] as Json)['spec'] as Json)['containers'])) container['resources'] = { requests: { cpu: '100m' } };
    });
  }
  editor.advance(150);
  if (victimsFirst && grows === 'release') {
    // The release that makes it grow (a new spool, a cache, a verbose log): its template changes.
    editor.modify('Deployment', namespace, consumer, (object) => {
      object.metadata['generation'] = Number(object.metadata['generation'] ?? 1) + 1;
      for (const container of records(((spec(object)['template'] as Json)['spec'] as Json)['containers'])) container['args'] = ['--cache-dir=/var/cache/app', '--cache-size=unbounded'];
    });
    editor.advance(20);
  }
  const hog = grows === 'outside' ? undefined : runPod(editor, activeReplicaSet(editor, namespace, consumer), node);
  editor.advance(240);
  nodeCondition(editor, node, pressure.condition, 'True', pressure.reason);
  const nodeObject = editor.get('Node', undefined, node);
  editor.event(nodeObject, pressure.event, `Node ${node} status is now: ${pressure.event}`, { host: node });
  editor.event(nodeObject, 'EvictionThresholdMet', `Attempting to reclaim ${pressure.resource}`, { type: 'Warning', host: node });
  const evict = (pod: K8sObject, usage: string, request: string) => {
    const container = String(records(spec(pod)['containers'])[0]?.['name'] ?? 'app');
    const message =
      pressure.resource === 'pids'
        ? 'The node was low on resource: pids. Threshold quantity: 1000, available: 812. '
        : `The node was low on resource: ${pressure.resource}. Threshold quantity: 100Mi, available: 61232Ki. Container ${container} was using ${usage}, request is ${request}, has larger consumption of ${pressure.resource}. `;
    editor.event(pod, 'Evicted', message, { type: 'Warning', host: node });
    editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => {
      Object.assign(object['status'] as Json, { phase: 'Failed', reason: 'Evicted', message });
      setReady(object, false, editor.now);
    });
    editor.advance(12);
  };
  const neighbours = () => editor.podsOn(node).filter((pod) => pod.metadata.namespace !== namespace || workloadOf(pod) !== consumer).slice(0, victims);
  if (!victimsFirst && hog) {
    evict(hog, '11534336Ki', '0');
    neighbours().forEach((pod, index) => evict(pod, `${420_000 + index * 17_000}Ki`, '256Mi'));
  } else {
    neighbours().forEach((pod, index) => evict(pod, `${268 + index * 12}Ki`, '0'));
    if (hog && (options.consumerEvicted ?? true)) evict(hog, '2516582Ki', '0');
  }
  editor.advance(60);
  if (grows === 'outside') return { lines: editor.lines, accept: [ref(editor.get('Node', undefined, node))] };
  return { lines: editor.lines, accept: [ref(editor.get('Deployment', namespace, consumer)), ref(set)] };
}

/** Cordons a node (kubectl cordon / drain) or taints it for scale-down (cluster-autoscaler). */
function takeOutOfService(editor: RecordingEditor, node: string, by: 'drain' | 'autoscaler', on: boolean): void {
  editor.modify('Node', undefined, node, (object) => {
    const taints = records(spec(object)['taints']).filter((taint) => !['node.kubernetes.io/unschedulable', 'ToBeDeletedByClusterAutoscaler'].includes(String(taint['key'])));
    if (on && by === 'drain') {
      spec(object)['unschedulable'] = true;
      taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: editor.now });
    } else if (on) {
      taints.push({ key: 'ToBeDeletedByClusterAutoscaler', value: String(Math.floor(Date.parse(editor.now) / 1000)), effect: 'NoSchedule' });
    } else {
      delete spec(object)['unschedulable'];
    }
    spec(object)['taints'] = taints;
  });
  if (on && by === 'drain') editor.event(editor.get('Node', undefined, node), 'NodeNotSchedulable', `Node ${node} status is now: NodeNotSchedulable`, { host: node });
  if (!on) editor.event(editor.get('Node', undefined, node), 'NodeSchedulable', `Node ${node} status is now: NodeSchedulable`, { host: node });
}

/** The eviction API takes a pod: DisruptionTarget, Killing, deleted. */
function evictThroughApi(editor: RecordingEditor, pod: K8sObject): void {
  editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => {
    records((object['status'] as Json)['conditions']).push({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: editor.now });
    object.metadata['deletionTimestamp'] = editor.now;
  });
  const container = String(records(spec(pod)['containers'])[0]?.['name'] ?? 'app');
  editor.event(pod, 'Killing', `Stopping container ${container}`, { fieldPath: `spec.containers{${container}}` });
  editor.advance(2);
  editor.delete('Pod', pod.metadata.namespace, pod.metadata.name);
}

/**
 * Planned node lifecycle. `drain`: kubectl drain (cordon, evictions through the eviction API,
 * replacements elsewhere), a reboot with a short NotReady while empty, uncordon. `autoscaler`:
 * scale-down taint, evictions, NotReady, Node deleted. `unplaceable`: the drained node's pods
 * may run only there (node selector), so they stay Pending and the node is never uncordoned:
 * that is lost availability (accept: the Node). `pendingSeconds` keeps the replacements
 * Pending (pinned to the node) that long before an uncordon: a one-node maintenance window.
 */
export function nodeLifecycle(recording: readonly RecordedLine[], node: string, mode: 'drain' | 'autoscaler' | 'unplaceable', options: { pendingSeconds?: number; seed?: string } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `${mode}-${node}`);
  const others = editor.find('Node', (item) => item.metadata.name !== node).map((item) => item.metadata.name);
  editor.advance(120);
  takeOutOfService(editor, node, mode === 'autoscaler' ? 'autoscaler' : 'drain', true);
  editor.advance(2);
  const pods = editor.podsOn(node).filter((pod) => records(pod.metadata['ownerReferences'])[0]?.['kind'] === 'ReplicaSet' && !pod.metadata['deletionTimestamp']);
  const pinned = mode === 'unplaceable' || options.pendingSeconds !== undefined;
  const waiting: K8sObject[] = [];
  pods.forEach((pod, index) => {
    evictThroughApi(editor, pod);
    const set = editor.get('ReplicaSet', pod.metadata.namespace, String(records(pod.metadata['ownerReferences'])[0]?.['name']));
    if (pinned) {
      const why = `0/${others.length + 1} nodes are available: 1 node(s) were unschedulable, ${others.length} node(s) didn't match Pod's node affinity/selector. preemption: 0/${others.length + 1} nodes are available: ${others.length + 1} Preemption is not helpful for scheduling.`;
      waiting.push(pendingPod(editor, set, why));
    } else {
      runPod(editor, set, others[index % others.length] as string);
    }
  });
  if (mode === 'unplaceable') {
    for (let minute = 0; minute < 8; minute += 1) {
      editor.advance(60);
      for (const pod of waiting) editor.event(pod, 'FailedScheduling', `0/${others.length + 1} nodes are available: 1 node(s) were unschedulable, ${others.length} node(s) didn't match Pod's node affinity/selector.`, { type: 'Warning', component: 'default-scheduler' });
    }
    return { lines: editor.lines, accept: [ref(editor.get('Node', undefined, node))] };
  }
  editor.advance(20);
  nodeCondition(editor, node, 'Ready', 'Unknown', 'NodeStatusUnknown');
  editor.event(editor.get('Node', undefined, node), 'NodeNotReady', `Node ${node} status is now: NodeNotReady`, { component: 'node-controller' });
  // A drain leaves DaemonSet pods (kube-proxy): the node controller marks them not ready while the node reboots.
  const daemons = editor.podsOn(node).filter((pod) => records(pod.metadata['ownerReferences'])[0]?.['kind'] === 'DaemonSet');
  for (const pod of daemons) {
    editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => setReady(object, false, editor.now));
    editor.event(pod, 'NodeNotReady', 'Node is not ready', { type: 'Warning', component: 'node-controller' });
  }
  editor.advance(options.pendingSeconds ?? 45);
  if (mode === 'autoscaler') {
    editor.delete('Node', undefined, node);
    editor.advance(60);
    return { lines: editor.lines, accept: [] };
  }
  nodeCondition(editor, node, 'Ready', 'True', 'KubeletReady');
  for (const pod of daemons) editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => setReady(object, true, editor.now));
  editor.event(editor.get('Node', undefined, node), 'Rebooted', `Node ${node} has been rebooted, boot id: 5d0f8d6c-${editor.suffix(4)}`, { type: 'Warning', host: node });
  editor.event(editor.get('Node', undefined, node), 'NodeReady', `Node ${node} status is now: NodeReady`, { host: node });
  editor.advance(10);
  takeOutOfService(editor, node, 'drain', false);
  for (const pod of waiting) {
    editor.advance(1);
    editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => {
      spec(object)['nodeName'] = node;
      (object['status'] as Json)['conditions'] = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }];
    });
    editor.event(pod, 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, { component: 'default-scheduler' });
  }
  editor.advance(60);
  return { lines: editor.lines, accept: [] };
}

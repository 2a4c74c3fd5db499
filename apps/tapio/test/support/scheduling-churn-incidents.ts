import type { K8sObject, RecordedLine } from './recording-variants.js';
import { containerStatus, RecordingEditor, setReady } from './recording-editor.js';
import { activeReplicaSet, pendingPod, runPod } from './capacity-incidents.js';
import { endpointsReady, type Json, records, ref, spec, status } from './rollout-steps.js';
import type { SyntheticIncident } from './synthetic-incidents.js';

const NODES = ['node-1', 'node-2', 'node-3'];
const otherNode = (node: string, turn: number) => NODES.filter((name) => name !== node)[turn % 2] as string;

/** The endpoints controller's view of a replaced pod: the old pod's address leaves every Endpoints that listed it, the new ready pod's takes its place. */
function swapEndpoint(editor: RecordingEditor, old: K8sObject, replacement: K8sObject): void {
  const listed = (subset: Json) => [...records(subset['addresses']), ...records(subset['notReadyAddresses'])].some((address) => (address['targetRef'] as Json | undefined)?.['name'] === old.metadata.name);
  for (const endpoints of editor.find('Endpoints', (item) => records(item['subsets']).some(listed))) {
    editor.modify('Endpoints', endpoints.metadata.namespace, endpoints.metadata.name, (object) => {
      for (const subset of records(object['subsets'])) {
        if (!listed(subset)) continue;
        const other = (address: Json) => (address['targetRef'] as Json | undefined)?.['name'] !== old.metadata.name;
        subset['notReadyAddresses'] = records(subset['notReadyAddresses']).filter(other);
        subset['addresses'] = [...records(subset['addresses']).filter(other), { ip: status(replacement)['podIP'], nodeName: spec(replacement)['nodeName'], targetRef: { kind: 'Pod', namespace: replacement.metadata.namespace, name: replacement.metadata.name, uid: replacement.metadata.uid } }];
      }
    });
  }
}

/** The kubelet evicts a pod for its ephemeral storage: Evicted Event, pod Failed/Evicted, containers stopped; the ReplicaSet replaces it on `next`. */
function evictForStorage(editor: RecordingEditor, pod: K8sObject, limit: string, next: string): K8sObject {
  const namespace = pod.metadata.namespace as string;
  const container = String(containerStatus(pod)['name']);
  const why = `Pod ephemeral local storage usage exceeds the total limit of containers ${limit}. `;
  editor.event(pod, 'Evicted', why, { type: 'Warning', host: spec(pod)['nodeName'] as string });
  editor.event(pod, 'Killing', `Stopping container ${container}`, { fieldPath: `spec.containers{${container}}` });
  editor.modify('Pod', namespace, pod.metadata.name, (object) => {
    object['status'] = { ...status(object), phase: 'Failed', reason: 'Evicted', message: why };
    setReady(object, false, editor.now);
    containerStatus(object)['state'] = { terminated: { exitCode: 137, reason: 'Error', finishedAt: editor.now } };
  });
  endpointsReady(editor, [pod], false);
  editor.advance(1);
  const owner = records(pod.metadata['ownerReferences'])[0] as Json;
  const replacement = runPod(editor, editor.get('ReplicaSet', namespace, owner['name'] as string), next);
  swapEndpoint(editor, pod, replacement);
  return replacement;
}

/**
 * A workload whose pods write more to local disk than their ephemeral-storage limit allows (a
 * cache under /tmp, verbose logs): the kubelet evicts a pod, the ReplicaSet places a new one on
 * another node, it fills up and is evicted again, `evictions` times about every four minutes.
 * The limit is in the pod template from the start. With `evictions: 1` (benign) the new pod
 * stays below the limit (the cache was pruned) and runs on.
 */
export function evictionLoop(recording: readonly RecordedLine[], namespace: string, deployment: string, options: { evictions?: number; limit?: string; seed?: string } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `evict-${deployment}`);
  const limit = options.limit ?? '1Gi';
  const addLimit = (podSpec: Json) => {
    for (const container of records(podSpec['containers'])) {
      const resources = (container['resources'] as Json | undefined) ?? {};
      resources['limits'] = { ...(resources['limits'] as Json | undefined), 'ephemeral-storage': limit };
      container['resources'] = resources;
    }
  };
  editor.rewriteStart('Deployment', namespace, deployment, (object) => addLimit((spec(object)['template'] as Json)['spec'] as Json));
  const set = activeReplicaSet(editor, namespace, deployment);
  editor.rewriteStart('ReplicaSet', namespace, set.metadata.name, (object) => addLimit((spec(object)['template'] as Json)['spec'] as Json));
  for (const pod of editor.podsOf(namespace, deployment)) editor.rewriteStart('Pod', namespace, pod.metadata.name, (object) => addLimit(spec(object)));
  editor.advance(75);
  let [pod] = editor.podsOf(namespace, deployment);
  if (!pod) throw new Error(`no pod of ${namespace}/${deployment}`);
  const evictions = options.evictions ?? 5;
  for (let eviction = 0; eviction < evictions; eviction += 1) {
    pod = evictForStorage(editor, pod, limit, otherNode(spec(pod)['nodeName'] as string, eviction));
    editor.advance(eviction === evictions - 1 ? 180 : 230 + 10 * eviction);
  }
  if (evictions < 2) return { lines: editor.lines, accept: [] };
  return { lines: editor.lines, accept: [ref(editor.get('Deployment', namespace, deployment)), ref(set)] };
}

/**
 * A Deployment whose pods must each run on a node of their own (required pod anti-affinity
 * on the hostname) is scaled beyond the nodes there are: the extra pods can never be placed,
 * and the scheduler reports so again and again with its back-off. With `replicas` equal to the
 * node count (benign) the new pod waits once for an old one to leave its node, then runs.
 */
export function antiAffinityScaleUp(recording: readonly RecordedLine[], namespace: string, deployment: string, replicas: number, options: { seed?: string } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `spread-${deployment}`);
  const antiAffinity = (labels: Json) => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: labels['app'] } }, topologyKey: 'kubernetes.io/hostname' }] } });
  const addRule = (podSpec: Json, labels: Json) => void (podSpec['affinity'] = antiAffinity(labels));
  editor.rewriteStart('Deployment', namespace, deployment, (object) => {
    const template = spec(object)['template'] as Json;
    addRule(template['spec'] as Json, (template['metadata'] as Json)['labels'] as Json);
  });
  const set = activeReplicaSet(editor, namespace, deployment);
  editor.rewriteStart('ReplicaSet', namespace, set.metadata.name, (object) => {
    const template = spec(object)['template'] as Json;
    addRule(template['spec'] as Json, (template['metadata'] as Json)['labels'] as Json);
  });
  for (const pod of editor.podsOf(namespace, deployment)) editor.rewriteStart('Pod', namespace, pod.metadata.name, (object) => addRule(spec(object), object.metadata['labels'] as Json));
  editor.advance(95);
  const running = editor.podsOf(namespace, deployment).length;
  const deploymentObject = editor.modify('Deployment', namespace, deployment, (object) => {
    spec(object)['replicas'] = replicas;
    object.metadata['generation'] = Number(object.metadata['generation'] ?? 1) + 1;
  });
  const scaled = editor.modify('ReplicaSet', namespace, set.metadata.name, (object) => void (spec(object)['replicas'] = replicas));
  editor.event(deploymentObject, 'ScalingReplicaSet', `Scaled up replica set ${set.metadata.name} from ${running} to ${replicas}`, { component: 'deployment-controller' });
  const why = `0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.`;
  const waiting = Array.from({ length: replicas - running }, () => {
    editor.advance(1);
    return pendingPod(editor, scaled, why);
  });
  const benign = replicas <= NODES.length;
  for (const [retry, backoff] of (benign ? [20] : [10, 20, 40, 80, 160, 300]).entries()) {
    editor.advance(backoff);
    if (benign && retry === 0) break;
    for (const pod of waiting) editor.event(pod, 'FailedScheduling', why, { type: 'Warning', component: 'default-scheduler' });
  }
  if (benign) {
    // The node that was busy frees up (its old pod was gone already): the waiting pod is placed.
    for (const pod of waiting) {
      const node = NODES.find((name) => !editor.podsOf(namespace, deployment).some((other) => spec(other)['nodeName'] === name)) ?? 'node-1';
      editor.modify('Pod', namespace, pod.metadata.name, (object) => {
        spec(object)['nodeName'] = node;
        object['status'] = { phase: 'Running', startTime: editor.now, qosClass: 'Burstable', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }, { type: 'Ready', status: 'True', lastTransitionTime: editor.now }] };
      });
      editor.event(pod, 'Scheduled', `Successfully assigned ${namespace}/${pod.metadata.name} to ${node}`, { component: 'default-scheduler' });
    }
    editor.advance(60);
    return { lines: editor.lines, accept: [] };
  }
  editor.advance(30);
  return { lines: editor.lines, accept: [ref(editor.get('Deployment', namespace, deployment)), ref(set)] };
}

/**
 * A high-priority Deployment (`ingest`, its PriorityClass created with it) is scaled up by its
 * HorizontalPodAutoscaler one pod at a time as load grows; each new pod needs more CPU than
 * any node has free, and the scheduler preempts a pod of the low-priority `victim` for it
 * ("Preempted by pod <uid> on node n"). The victim's replacements fit elsewhere and run at
 * once, but the victim keeps losing pods and their work, wave after wave. With `waves: 1`
 * (benign) the preemption happens once: the scheduler did what the priorities say.
 */
export function preemptionWaves(recording: readonly RecordedLine[], namespace: string, victim: string, options: { waves?: number; seed?: string } = {}): SyntheticIncident {
  const seed = options.seed ?? 'waves';
  const editor = new RecordingEditor(recording, seed);
  editor.advance(65);
  const priorityClass = editor.add({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: `${seed}-realtime`, uid: editor.uid() }, value: 500_000, preemptionPolicy: 'PreemptLowerPriority', description: 'ingest pipeline' });
  const labels = { app: `${seed}-ingest` };
  const template = { metadata: { labels }, spec: { priorityClassName: priorityClass.metadata.name, priority: 500_000, containers: [{ name: 'ingest', image: 'registry.local/ingest:4.2', resources: { requests: { cpu: '1500m', memory: '1Gi' } } }] } };
  const deployment = editor.add({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${seed}-ingest`, namespace, uid: editor.uid(), generation: 1 }, spec: { replicas: 1, selector: { matchLabels: labels }, template }, status: {} });
  const set = editor.add({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${seed}-ingest-${editor.suffix(9)}`, namespace, uid: editor.uid(), labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name, uid: deployment.metadata.uid, controller: true }] }, spec: { replicas: 1, selector: { matchLabels: labels }, template }, status: { replicas: 1 } });
  editor.event(deployment, 'ScalingReplicaSet', `Scaled up replica set ${set.metadata.name} from 0 to 1`, { component: 'deployment-controller' });
  runPod(editor, set, 'node-1');
  const hpa = editor.add({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: deployment.metadata.name, namespace, uid: editor.uid() }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name }, minReplicas: 1, maxReplicas: 6, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] }, status: { currentReplicas: 1, desiredReplicas: 1 } });
  const waves = options.waves ?? 3;
  const why = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Insufficient cpu.';
  for (let wave = 1; wave <= waves; wave += 1) {
    editor.advance(wave === 1 ? 90 : 240);
    const size = wave + 1;
    editor.modify('Deployment', namespace, deployment.metadata.name, (object) => void (spec(object)['replicas'] = size));
    editor.modify('ReplicaSet', namespace, set.metadata.name, (object) => void (spec(object)['replicas'] = size));
    editor.event(hpa, 'SuccessfulRescale', `New size: ${size}; reason: cpu resource utilization (percentage of request) above target`, { component: 'horizontal-pod-autoscaler' });
    editor.event(deployment, 'ScalingReplicaSet', `Scaled up replica set ${set.metadata.name} from ${size - 1} to ${size}`, { component: 'deployment-controller' });
    const preemptor = pendingPod(editor, editor.get('ReplicaSet', namespace, set.metadata.name), why);
    editor.advance(1);
    const node = NODES[wave % NODES.length] as string;
    const target = editor.podsOf(namespace, victim).find((pod) => spec(pod)['nodeName'] === node) ?? editor.podsOf(namespace, victim)[0];
    if (!target) throw new Error(`no pod of ${namespace}/${victim} left to preempt`);
    const container = String(containerStatus(target)['name']);
    editor.modify('Pod', namespace, target.metadata.name, (object) => {
      records(status(object)['conditions']).push({ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod', lastTransitionTime: editor.now });
      object.metadata['deletionTimestamp'] = editor.now;
      object.metadata['deletionGracePeriodSeconds'] = 30;
    });
    editor.event(target, 'Preempted', `Preempted by pod ${preemptor.metadata.uid} on node ${spec(target)['nodeName'] as string}`, { component: 'default-scheduler' });
    editor.event(target, 'Killing', `Stopping container ${container}`, { fieldPath: `spec.containers{${container}}` });
    endpointsReady(editor, [target], false);
    // The victim's ReplicaSet replaces the pod at once; a smaller pod fits on another node.
    editor.advance(1);
    const replacement = runPod(editor, activeReplicaSet(editor, namespace, victim), otherNode(spec(target)['nodeName'] as string, wave));
    swapEndpoint(editor, target, replacement);
    editor.advance(2);
    editor.delete('Pod', namespace, target.metadata.name);
    editor.modify('Pod', namespace, preemptor.metadata.name, (object) => {
      spec(object)['nodeName'] = spec(target)['nodeName'];
      object['status'] = { phase: 'Running', startTime: editor.now, qosClass: 'Burstable', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }, { type: 'Ready', status: 'True', lastTransitionTime: editor.now }] };
    });
    editor.event(preemptor, 'Scheduled', `Successfully assigned ${namespace}/${preemptor.metadata.name} to ${spec(target)['nodeName'] as string}`, { component: 'default-scheduler' });
  }
  editor.advance(120);
  if (waves < 2) return { lines: editor.lines, accept: [] };
  return { lines: editor.lines, accept: [ref(deployment), ref(set), ref(priorityClass)] };
}

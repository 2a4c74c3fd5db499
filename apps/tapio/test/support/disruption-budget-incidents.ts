import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor, setReady } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';
import { activeReplicaSet, pendingPod, runPod } from './capacity-incidents.js';

type Json = Record<string, unknown>;
const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const spec = (object: K8sObject) => object['spec'] as Json;
const ref = (object: K8sObject) => ({ kind: object.kind, namespace: object.metadata.namespace ?? null, name: object.metadata.name });

export interface BudgetStatus {
  healthy: number;
  desired: number;
  expected: number;
}

/** A PodDisruptionBudget over a Deployment's pods (its app label), with the status its controller writes. */
export function addBudget(editor: RecordingEditor, namespace: string, deployment: string, bound: { minAvailable: number }, status: BudgetStatus): K8sObject {
  const labels = ((spec(editor.get('Deployment', namespace, deployment))['selector'] as Json)['matchLabels'] ?? {}) as Json;
  return editor.add({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: `${deployment}-pdb`, namespace, uid: editor.uid(), generation: 1 },
    spec: { minAvailable: bound.minAvailable, selector: { matchLabels: labels } },
    status: budgetStatus(editor, status, 1),
  });
}

function budgetStatus(editor: RecordingEditor, status: BudgetStatus, generation: number): Json {
  const allowed = Math.max(0, status.healthy - status.desired);
  return {
    observedGeneration: generation,
    expectedPods: status.expected,
    currentHealthy: status.healthy,
    desiredHealthy: status.desired,
    disruptionsAllowed: allowed,
    conditions: [{ type: 'DisruptionAllowed', status: allowed > 0 ? 'True' : 'False', reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods', lastTransitionTime: editor.now }],
  };
}

export function setBudget(editor: RecordingEditor, budget: K8sObject, status: BudgetStatus): void {
  editor.modify('PodDisruptionBudget', budget.metadata.namespace, budget.metadata.name, (object) => {
    object['status'] = budgetStatus(editor, status, Number(object.metadata['generation'] ?? 1));
  });
}

function cordon(editor: RecordingEditor, node: string, on: boolean): void {
  editor.modify('Node', undefined, node, (object) => {
    const taints = records(spec(object)['taints']).filter((taint) => taint['key'] !== 'node.kubernetes.io/unschedulable');
    if (on) {
      spec(object)['unschedulable'] = true;
      taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: editor.now });
    } else delete spec(object)['unschedulable'];
    spec(object)['taints'] = taints;
  });
  editor.event(editor.get('Node', undefined, node), on ? 'NodeNotSchedulable' : 'NodeSchedulable', `Node ${node} status is now: ${on ? 'NodeNotSchedulable' : 'NodeSchedulable'}`, { host: node });
}

/** The pod leaves: through the eviction API (DisruptionTarget) or deleted directly (`kubectl drain --disable-eviction`). */
export function takeDown(editor: RecordingEditor, pod: K8sObject, through: 'eviction' | 'delete'): void {
  editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => {
    if (through === 'eviction') records((object['status'] as Json)['conditions']).push({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: editor.now });
    object.metadata['deletionTimestamp'] = editor.now;
  });
  const container = String(records(spec(pod)['containers'])[0]?.['name'] ?? 'app');
  editor.event(pod, 'Killing', `Stopping container ${container}`, { fieldPath: `spec.containers{${container}}` });
  editor.advance(2);
  editor.delete('Pod', pod.metadata.namespace, pod.metadata.name);
}

/** What a drain tool reports when the eviction API answers 429 for a pod. */
function refused(editor: RecordingEditor, pod: K8sObject, budget: K8sObject, status: BudgetStatus): void {
  editor.event(pod, 'FailedEviction', `Cannot evict pod as it would violate the pod's disruption budget. The disruption budget ${budget.metadata.name} needs ${status.desired} healthy pods and has ${status.healthy} currently`, { type: 'Warning', component: 'node-drainer' });
}

const podOn = (editor: RecordingEditor, namespace: string, deployment: string, node: string): K8sObject => {
  const pod = editor.podsOf(namespace, deployment).find((item) => spec(item)['nodeName'] === node);
  if (!pod) throw new Error(`no pod of ${namespace}/${deployment} on ${node}`);
  return pod;
};

/**
 * A drain that breaks a PodDisruptionBudget: the budget requires every pod of the Deployment
 * (minAvailable = replicas), so the drain's eviction is refused; after waiting, the operator
 * drains with `--disable-eviction`, which deletes the pod anyway. Its replacement cannot be
 * placed (the other nodes are full), so the budget stays violated. Root: the drained Node.
 */
export function drainBreaksBudget(recording: readonly RecordedLine[], node: string, namespace: string, deployment: string, seed = 'pdb-drain'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const replicas = editor.podsOf(namespace, deployment).length;
  const full = { healthy: replicas, desired: replicas, expected: replicas };
  const budget = addBudget(editor, namespace, deployment, { minAvailable: replicas }, full);
  editor.advance(120);
  cordon(editor, node, true);
  const pod = podOn(editor, namespace, deployment, node);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    refused(editor, pod, budget, full);
    editor.advance(5 * 2 ** attempt);
  }
  editor.advance(60);
  takeDown(editor, pod, 'delete');
  setBudget(editor, budget, { ...full, healthy: replicas - 1 });
  const others = editor.find('Node', (item) => item.metadata.name !== node).length;
  const why = `0/${others + 1} nodes are available: 1 node(s) were unschedulable, ${others} Insufficient cpu. preemption: 0/${others + 1} nodes are available: 1 Preemption is not helpful for scheduling, ${others} No preemption victims found for incoming pod.`;
  const waiting = pendingPod(editor, activeReplicaSet(editor, namespace, deployment), why);
  editor.advance(30);
  editor.event(waiting, 'FailedScheduling', why, { type: 'Warning', component: 'default-scheduler' });
  editor.advance(300);
  return { lines: editor.lines, accept: [ref(editor.get('Node', undefined, node))] };
}

/** A PodDisruptionBudget edited from a bound its pods meet to a minAvailable above the replica count: no eviction can ever pass. Root: the budget. */
export function impossibleBudget(recording: readonly RecordedLine[], namespace: string, deployment: string, seed = 'pdb-edit'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const replicas = editor.podsOf(namespace, deployment).length;
  const budget = addBudget(editor, namespace, deployment, { minAvailable: replicas - 1 }, { healthy: replicas, desired: replicas - 1, expected: replicas });
  editor.advance(150);
  editor.modify('PodDisruptionBudget', namespace, budget.metadata.name, (object) => {
    spec(object)['minAvailable'] = replicas + 2;
    object.metadata['generation'] = 2;
  });
  editor.advance(1);
  setBudget(editor, editor.get('PodDisruptionBudget', namespace, budget.metadata.name), { healthy: replicas, desired: replicas + 2, expected: replicas });
  editor.advance(240);
  return { lines: editor.lines, accept: [ref(budget)] };
}

/**
 * A drain within the budget: one pod of the Deployment may go (minAvailable = replicas - 1).
 * The first eviction is refused while another pod of it restarts (the budget has no room), the
 * drain retries once it is ready, the replacement runs on another node, then the node is
 * uncordoned. The budget never drops below what it requires: nothing to report.
 */
export function drainWithinBudget(recording: readonly RecordedLine[], node: string, namespace: string, deployment: string, seed = 'pdb-benign'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const pods = editor.podsOf(namespace, deployment);
  const replicas = pods.length;
  const status = (healthy: number) => ({ healthy, desired: replicas - 1, expected: replicas });
  const budget = addBudget(editor, namespace, deployment, { minAvailable: replicas - 1 }, status(replicas));
  editor.advance(120);
  const restarting = pods.find((pod) => spec(pod)['nodeName'] !== node) as K8sObject;
  editor.modify('Pod', namespace, restarting.metadata.name, (object) => setReady(object, false, editor.now));
  setBudget(editor, budget, status(replicas - 1));
  cordon(editor, node, true);
  const pod = podOn(editor, namespace, deployment, node);
  refused(editor, pod, budget, status(replicas - 1));
  editor.advance(8);
  editor.modify('Pod', namespace, restarting.metadata.name, (object) => setReady(object, true, editor.now));
  setBudget(editor, budget, status(replicas));
  editor.advance(5);
  takeDown(editor, pod, 'eviction');
  setBudget(editor, budget, status(replicas - 1));
  const target = editor.find('Node', (item) => item.metadata.name !== node && item.metadata.name !== spec(restarting)['nodeName'])[0]?.metadata.name ?? String(spec(restarting)['nodeName']);
  runPod(editor, activeReplicaSet(editor, namespace, deployment), target);
  editor.advance(3);
  setBudget(editor, budget, status(replicas));
  editor.advance(60);
  cordon(editor, node, false);
  editor.advance(60);
  return { lines: editor.lines, accept: [] };
}

import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';
import { activeReplicaSet } from './capacity-incidents.js';
import { addBudget, setBudget, takeDown } from './disruption-budget-incidents.js';

type Json = Record<string, unknown>;
const spec = (object: K8sObject) => object['spec'] as Json;
const ref = (object: K8sObject) => ({ kind: object.kind, namespace: object.metadata.namespace ?? null, name: object.metadata.name });

/** An autoscaler over the Deployment, as `kubectl autoscale` creates it. */
function addAutoscaler(editor: RecordingEditor, namespace: string, deployment: string, replicas: number): K8sObject {
  return editor.add({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: deployment, namespace, uid: editor.uid(), generation: 1 },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment }, minReplicas: 1, maxReplicas: replicas + 2, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
    status: { currentReplicas: replicas, desiredReplicas: replicas },
  });
}

/**
 * The Deployment's replicas lowered (by a person or, with `autoscaler`, by its HPA's
 * rescale): its spec and ReplicaSet edited, the deployment controller's Event, the surplus
 * pods stopped and deleted, the budget's status following each deletion.
 */
function scaleDown(editor: RecordingEditor, namespace: string, deployment: string, to: number, budget: K8sObject, minAvailable: number, autoscaler?: K8sObject): void {
  const pods = editor.podsOf(namespace, deployment);
  const from = pods.length;
  if (autoscaler) {
    editor.event(autoscaler, 'SuccessfulRescale', `New size: ${to}; reason: All metrics below target`, { component: 'horizontal-pod-autoscaler' });
    editor.modify('HorizontalPodAutoscaler', namespace, deployment, (object) => {
      object['status'] = { currentReplicas: from, desiredReplicas: to, lastScaleTime: editor.now };
    });
  }
  editor.modify('Deployment', namespace, deployment, (object) => {
    spec(object)['replicas'] = to;
    object.metadata['generation'] = Number(object.metadata['generation'] ?? 1) + 1;
  });
  const replicaSet = activeReplicaSet(editor, namespace, deployment);
  editor.modify('ReplicaSet', namespace, replicaSet.metadata.name, (object) => {
    spec(object)['replicas'] = to;
  });
  editor.event(editor.get('Deployment', namespace, deployment), 'ScalingReplicaSet', `Scaled down replica set ${replicaSet.metadata.name} to ${to} from ${from}`, { component: 'deployment-controller' });
  editor.advance(1);
  let left = from;
  for (const pod of pods.slice(to)) {
    takeDown(editor, pod, 'delete');
    left -= 1;
    setBudget(editor, budget, { healthy: left, desired: minAvailable, expected: left });
    editor.advance(1);
  }
}

/**
 * A scale-down below what a PodDisruptionBudget requires: the Deployment (3 pods, minAvailable
 * 2) scaled to 1, by `kubectl scale` or by its HorizontalPodAutoscaler. The budget stays
 * violated (it cannot be met with one pod and refuses every eviction). Root: the Deployment's
 * replicas edit, or the autoscaler that made it.
 */
export function scaleDownBreaksBudget(recording: readonly RecordedLine[], namespace: string, deployment: string, by: 'kubectl' | 'autoscaler', seed = 'pdb-scale'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const replicas = editor.podsOf(namespace, deployment).length;
  const minAvailable = replicas - 1;
  const budget = addBudget(editor, namespace, deployment, { minAvailable }, { healthy: replicas, desired: minAvailable, expected: replicas });
  const autoscaler = by === 'autoscaler' ? addAutoscaler(editor, namespace, deployment, replicas) : undefined;
  editor.advance(180);
  scaleDown(editor, namespace, deployment, 1, budget, minAvailable, autoscaler);
  editor.advance(300);
  return { lines: editor.lines, accept: [ref(autoscaler ?? editor.get('Deployment', namespace, deployment))] };
}

/** A scale-down that keeps the budget met (3 pods to 2, minAvailable 1): nothing to report. */
export function scaleDownWithinBudget(recording: readonly RecordedLine[], namespace: string, deployment: string, seed = 'pdb-scale-benign'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const replicas = editor.podsOf(namespace, deployment).length;
  const budget = addBudget(editor, namespace, deployment, { minAvailable: 1 }, { healthy: replicas, desired: 1, expected: replicas });
  editor.advance(180);
  scaleDown(editor, namespace, deployment, replicas - 1, budget, 1);
  editor.advance(300);
  return { lines: editor.lines, accept: [] };
}

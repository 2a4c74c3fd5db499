import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor, setReady } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';
import { activeReplicaSet, runPod, scaleDeployment } from './capacity-incidents.js';
import { records, ref, spec } from './rollout-steps.js';

type Json = Record<string, unknown>;

const hpaConditions = (limited: boolean) => [
  { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
  { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' },
  limited
    ? { type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' }
    : { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' },
];

/** A pod's readiness probe times out under load (the kubelet's Unhealthy Event) and the pod leaves its Service. */
function overloaded(editor: RecordingEditor, pod: K8sObject): void {
  const container = String(records(spec(pod)['containers'])[0]?.['name'] ?? 'app');
  const ip = String((pod['status'] as Json)['podIP'] ?? '10.244.1.7');
  editor.event(pod, 'Unhealthy', `Readiness probe failed: Get "http://${ip}:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, { type: 'Warning', fieldPath: `spec.containers{${container}}`, host: String(spec(pod)['nodeName']) });
  editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => setReady(object, false, editor.now));
}

/**
 * A traffic surge: `deployment`'s pods fail readiness first (probe time-outs), its
 * HorizontalPodAutoscaler (created at the start, max two above the running count) scales up
 * step by step, and reaches its maximum while the pods are still failing. The pods then hold
 * on (`tail` more readiness failures after the maximum, default none). Root: the autoscaler.
 */
export function hpaMaxedOutLate(recording: readonly RecordedLine[], namespace: string, deployment: string, options: { tail?: number; seed?: string } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `hpa-late-${deployment}`);
  const running = editor.podsOf(namespace, deployment);
  const max = running.length + 2;
  const hpaSpec = { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment }, minReplicas: running.length, maxReplicas: max, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] };
  const hpa = editor.add({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: deployment, namespace, uid: editor.uid() }, spec: hpaSpec, status: { currentReplicas: running.length, desiredReplicas: running.length, conditions: hpaConditions(false) } });
  editor.advance(90);
  for (const pod of running.slice(0, 2)) {
    overloaded(editor, pod);
    editor.advance(9);
  }
  const nodes = ['node-1', 'node-2', 'node-3'];
  for (let step = 1; step <= 2; step += 1) {
    const size = running.length + step;
    const set = scaleDeployment(editor, namespace, deployment, size);
    editor.event(hpa, 'SuccessfulRescale', `New size: ${size}; reason: cpu resource utilization (percentage of request) above target`, { component: 'horizontal-pod-autoscaler' });
    editor.modify('HorizontalPodAutoscaler', namespace, deployment, (object) => void (object['status'] = { currentReplicas: size, desiredReplicas: size, conditions: hpaConditions(size === max) }));
    runPod(editor, set, nodes[step % nodes.length] as string);
    editor.advance(step === 1 ? 60 : 20);
  }
  for (const pod of editor.podsOf(namespace, deployment).slice(0, options.tail ?? 0)) {
    editor.advance(12);
    overloaded(editor, pod);
  }
  editor.advance(60);
  return { lines: editor.lines, accept: [ref(hpa)] };
}

/**
 * A namespace's ResourceQuota is already full (its `used` equals its `hard`, set long before
 * the recording): `scale` scales `deployment` up by two, `rollout` starts a rolling update
 * whose surge pod does not fit. The ReplicaSet's FailedCreate "exceeded quota" repeats. The
 * quota is not changed in the recording. Root: the ResourceQuota.
 */
export function quotaAlreadyFull(recording: readonly RecordedLine[], namespace: string, deployment: string, options: { how: 'scale' | 'rollout'; quota?: string; seed?: string }): SyntheticIncident {
  const quotaName = options.quota ?? 'team-quota';
  const editor = new RecordingEditor(recording, options.seed ?? `full-${quotaName}-${options.how}`);
  const pods = editor.podsOf(namespace, deployment);
  const cpu = pods.length * 500;
  const hard = { 'requests.cpu': `${cpu}m`, pods: '40' };
  const quota = editor.add({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: quotaName, namespace, uid: editor.uid(), creationTimestamp: '2025-11-02T08:00:00Z' }, spec: { hard }, status: { hard, used: { 'requests.cpu': `${cpu}m`, pods: String(pods.length) } } });
  editor.advance(100);
  let set: K8sObject;
  if (options.how === 'scale') {
    set = scaleDeployment(editor, namespace, deployment, pods.length + 2);
  } else {
    const deploymentObject = editor.modify('Deployment', namespace, deployment, (object) => {
      const container = records(((spec(object)['template'] as Json)['spec'] as Json)['containers'])[0] as Json;
      container['image'] = `${String(container['image']).split(':')[0]}:v2.4.1`;
      object.metadata['generation'] = Number(object.metadata['generation'] ?? 1) + 1;
    });
    const hash = editor.suffix(9);
    const template = structuredClone(spec(deploymentObject)['template'] as Json);
    ((template['metadata'] as Json)['labels'] as Json)['pod-template-hash'] = hash;
    set = editor.add({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${deployment}-${hash}`, namespace, uid: editor.uid(), labels: (template['metadata'] as Json)['labels'], ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, uid: deploymentObject.metadata.uid, controller: true, blockOwnerDeletion: true }] }, spec: { replicas: 1, selector: spec(activeReplicaSet(editor, namespace, deployment))['selector'], template }, status: { replicas: 0 } });
    editor.event(deploymentObject, 'ScalingReplicaSet', `Scaled up replica set ${set.metadata.name} from 0 to 1`, { component: 'deployment-controller' });
  }
  editor.advance(1);
  for (let round = 0; round < 7; round += 1) {
    editor.event(set, 'FailedCreate', `Error creating: pods "${set.metadata.name}-${editor.suffix(5)}" is forbidden: exceeded quota: ${quotaName}, requested: requests.cpu=500m, used: requests.cpu=${cpu}m, limited: requests.cpu=${cpu}m`, { type: 'Warning', component: 'replicaset-controller' });
    editor.advance(round < 3 ? 2 : 25);
  }
  editor.advance(30);
  return { lines: editor.lines, accept: [ref(quota)] };
}

/**
 * Benign: the same full quota while a pod is deleted (kubectl delete pod): the ReplicaSet's
 * replacement races the old pod's termination (a terminating pod still counts against the
 * quota), is refused for the grace period, and the retry fits as soon as the old pod is gone.
 */
export function quotaRaceDuringRollout(recording: readonly RecordedLine[], namespace: string, deployment: string, seed = 'quota-race'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const pods = editor.podsOf(namespace, deployment);
  const cpu = pods.length * 500;
  const hard = { 'requests.cpu': `${cpu}m` };
  editor.add({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'team-quota', namespace, uid: editor.uid(), creationTimestamp: '2025-11-02T08:00:00Z' }, spec: { hard }, status: { hard, used: { 'requests.cpu': `${cpu}m` } } });
  editor.advance(100);
  const set = activeReplicaSet(editor, namespace, deployment);
  const [old] = pods;
  if (!old) throw new Error(`no pod of ${namespace}/${deployment}`);
  editor.modify('Pod', namespace, old.metadata.name, (object) => void (object.metadata['deletionTimestamp'] = editor.now));
  // The controller retries with back-off while the old pod's 30 s grace period runs.
  for (const wait of [1, 2, 4, 8, 15]) {
    editor.event(set, 'FailedCreate', `Error creating: pods "${set.metadata.name}-${editor.suffix(5)}" is forbidden: exceeded quota: team-quota, requested: requests.cpu=500m, used: requests.cpu=${cpu}m, limited: requests.cpu=${cpu}m`, { type: 'Warning', component: 'replicaset-controller' });
    editor.advance(wait);
  }
  editor.delete('Pod', namespace, old.metadata.name);
  editor.advance(1);
  runPod(editor, set, String(spec(old)['nodeName']));
  editor.advance(120);
  return { lines: editor.lines, accept: [] };
}

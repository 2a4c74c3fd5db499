import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor, setReady } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';
import { activeReplicaSet, pendingPod, runPod, scaleDeployment } from './capacity-incidents.js';

type Json = Record<string, unknown>;
const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const spec = (object: K8sObject) => object['spec'] as Json;
const ref = (object: K8sObject) => ({ kind: object.kind, namespace: object.metadata.namespace ?? null, name: object.metadata.name });

/** One attempt of a Job: a pod that runs and exits with `exitCode`. */
function jobAttempt(editor: RecordingEditor, job: K8sObject, node: string, exitCode: number): void {
  const namespace = job.metadata.namespace as string;
  const name = `${job.metadata.name}-${editor.suffix(5)}`;
  const template = spec(job)['template'] as Json;
  const container = records((template['spec'] as Json)['containers'])[0] as Json;
  editor.add({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: editor.uid(), labels: { 'job-name': job.metadata.name }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid, controller: true }] },
    spec: { ...structuredClone(template['spec'] as Json), nodeName: node },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }] },
  });
  editor.event(job, 'SuccessfulCreate', `Created pod: ${name}`, { component: 'job-controller' });
  editor.advance(3);
  const finished = editor.modify('Pod', namespace, name, (pod) => {
    pod['status'] = {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      startTime: editor.now,
      conditions: [{ type: 'Ready', status: 'False', reason: exitCode === 0 ? 'PodCompleted' : 'PodFailed', lastTransitionTime: editor.now }],
      containerStatuses: [{ name: container['name'], image: container['image'], ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: editor.now } }, lastState: {} }],
    };
  });
  if (exitCode !== 0) editor.event(finished, 'BackOff', `Back-off restarting failed container ${String(container['name'])} in pod ${name}`, { type: 'Warning', fieldPath: `spec.containers{${String(container['name'])}}` });
}

/**
 * A CronJob's Job whose every attempt exits 1 until BackoffLimitExceeded, or (benign) one
 * that fails twice and then completes.
 */
export function jobRun(recording: readonly RecordedLine[], namespace: string, cronJob: string, options: { succeedOnAttempt?: number; seed?: string } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `job-${cronJob}`);
  const cron = editor.get('CronJob', namespace, cronJob);
  editor.advance(100);
  const template = ((spec(cron)['jobTemplate'] as Json)['spec'] as Json) ?? {};
  const job = editor.add({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${cronJob}-29545110`, namespace, uid: editor.uid(), labels: { 'job-name': cronJob }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cronJob, uid: cron.metadata.uid, controller: true }] },
    spec: { ...structuredClone(template), backoffLimit: 3 },
    status: { active: 1, startTime: editor.now },
  });
  editor.event(cron, 'SuccessfulCreate', `Created job ${job.metadata.name}`, { component: 'cronjob-controller' });
  const attempts = options.succeedOnAttempt ?? 4;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    jobAttempt(editor, job, attempt % 2 ? 'node-2' : 'node-3', attempt === options.succeedOnAttempt ? 0 : 1);
    editor.advance(10 * 2 ** attempt);
  }
  if (options.succeedOnAttempt) {
    editor.modify('Job', namespace, job.metadata.name, (object) => {
      object['status'] = { succeeded: 1, failed: attempts - 1, conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: editor.now }] };
    });
    editor.event(job, 'Completed', 'Job completed', { component: 'job-controller' });
    return { lines: editor.lines, accept: [] };
  }
  editor.modify('Job', namespace, job.metadata.name, (object) => {
    object['status'] = { failed: attempts, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastTransitionTime: editor.now }] };
  });
  editor.event(job, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', { type: 'Warning', component: 'job-controller' });
  editor.advance(30);
  return { lines: editor.lines, accept: [ref(job), ref(cron)] };
}

/**
 * A new Deployment of high priority (its PriorityClass created with it) needs CPU on a full
 * node: the scheduler preempts pods of another workload there ("Preempted by pod <uid> on
 * node n"), their replacements wait Pending.
 */
export function preemption(recording: readonly RecordedLine[], namespace: string, victim: string, node: string, seed = 'preempt', options: { schedulerRetries?: number } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  editor.advance(80);
  const priorityClass = editor.add({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: `${seed}-critical`, uid: editor.uid() }, value: 1_000_000, preemptionPolicy: 'PreemptLowerPriority' });
  const template = { metadata: { labels: { app: `${seed}-ingest` } }, spec: { priorityClassName: priorityClass.metadata.name, containers: [{ name: 'ingest', image: 'registry.local/ingest:1.0', resources: { requests: { cpu: '3' } } }] } };
  const deployment = editor.add({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${seed}-ingest`, namespace, uid: editor.uid(), generation: 1 }, spec: { replicas: 1, selector: { matchLabels: template.metadata.labels }, template }, status: {} });
  const set = editor.add({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${seed}-ingest-${editor.suffix(9)}`, namespace, uid: editor.uid(), labels: template.metadata.labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name, uid: deployment.metadata.uid, controller: true }] }, spec: { replicas: 1, selector: { matchLabels: template.metadata.labels }, template }, status: { replicas: 1 } });
  editor.event(deployment, 'ScalingReplicaSet', `Scaled up replica set ${set.metadata.name} from 0 to 1`, { component: 'deployment-controller' });
  const preemptor = pendingPod(editor, set, `0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims found for incoming pod.`);
  editor.advance(1);
  const victims = editor.podsOf(namespace, victim).filter((pod) => spec(pod)['nodeName'] === node);
  if (victims.length === 0) throw new Error(`no pod of ${namespace}/${victim} on ${node}`);
  for (const pod of victims) {
    editor.modify('Pod', namespace, pod.metadata.name, (object) => {
      records((object['status'] as Json)['conditions']).push({ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod', lastTransitionTime: editor.now });
      object.metadata['deletionTimestamp'] = editor.now;
    });
    editor.event(pod, 'Preempted', `Preempted by pod ${preemptor.metadata.uid} on node ${node}`, { component: 'default-scheduler' });
    editor.event(pod, 'Killing', `Stopping container ${victim}`, { fieldPath: `spec.containers{${victim}}` });
  }
  // The ReplicaSet replaces a pod as soon as it is marked for deletion, while it still terminates.
  const victimSet = activeReplicaSet(editor, namespace, victim);
  const why = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
  const replacements = victims.map(() => {
    editor.advance(1);
    return pendingPod(editor, victimSet, why);
  });
  editor.advance(2);
  for (const pod of victims) editor.delete('Pod', namespace, pod.metadata.name);
  editor.modify('Pod', namespace, preemptor.metadata.name, (object) => {
    spec(object)['nodeName'] = node;
    (object['status'] as Json)['conditions'] = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }];
  });
  editor.event(preemptor, 'Scheduled', `Successfully assigned ${namespace}/${preemptor.metadata.name} to ${node}`, { component: 'default-scheduler' });
  // The scheduler tries the replacements again with back-off; each try is the same Event, counted up.
  for (let retry = 0; retry < (options.schedulerRetries ?? 0); retry += 1) {
    editor.advance(20 * 2 ** Math.min(retry, 3));
    for (const pod of replacements) editor.event(pod, 'FailedScheduling', why, { type: 'Warning', component: 'default-scheduler' });
  }
  editor.advance(90);
  return { lines: editor.lines, accept: [ref(deployment), ref(set), ref(priorityClass)] };
}

/**
 * A Deployment's HorizontalPodAutoscaler (created at the start) reaches its maximum under load
 * while the pods fail readiness. `loweredFrom` first lowers maxReplicas from that value.
 */
export function hpaPinned(recording: readonly RecordedLine[], namespace: string, deployment: string, options: { loweredFrom?: number; seed?: string } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `hpa-${deployment}`);
  const running = editor.podsOf(namespace, deployment);
  const max = running.length + 1;
  const hpaSpec = { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment }, minReplicas: running.length, maxReplicas: options.loweredFrom ?? max, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] };
  const hpa = editor.add({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: deployment, namespace, uid: editor.uid() }, spec: hpaSpec, status: { currentReplicas: running.length, desiredReplicas: running.length, conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' }, { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange' }] } });
  editor.advance(60);
  if (options.loweredFrom) {
    editor.modify('HorizontalPodAutoscaler', namespace, deployment, (object) => {
      spec(object)['maxReplicas'] = max;
    });
    editor.advance(120);
  }
  const set = scaleDeployment(editor, namespace, deployment, max);
  editor.event(hpa, 'SuccessfulRescale', `New size: ${max}; reason: cpu resource utilization (percentage of request) above target`, { component: 'horizontal-pod-autoscaler' });
  runPod(editor, set, 'node-3');
  editor.advance(30);
  editor.modify('HorizontalPodAutoscaler', namespace, deployment, (object) => {
    object['status'] = { currentReplicas: max, desiredReplicas: max, conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' }, { type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' }] };
  });
  for (const pod of editor.podsOf(namespace, deployment).slice(0, 3)) {
    editor.advance(7);
    const container = String(records(spec(pod)['containers'])[0]?.['name'] ?? deployment);
    editor.event(pod, 'Unhealthy', 'Readiness probe failed: Get "http://10.244.1.7:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', { type: 'Warning', fieldPath: `spec.containers{${container}}` });
    editor.modify('Pod', namespace, pod.metadata.name, (object) => setReady(object, false, editor.now));
  }
  editor.advance(60);
  return { lines: editor.lines, accept: [ref(hpa)] };
}

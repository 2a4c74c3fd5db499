/** Steps of a Deployment rollout and pod start-up, shared by the synthetic incidents. */
import type { ExpectedEntity, K8sObject } from './recording-variants.js';
import { containerStatus, type RecordingEditor, setReady } from './recording-editor.js';

export type Json = Record<string, unknown>;
export const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
export const spec = (object: K8sObject) => object['spec'] as Json;
export const status = (object: K8sObject) => object['status'] as Json;

/** The first container of a pod template (what a rollout's template change edits). */
export const firstContainer = (template: Json): Json => records((template['spec'] as Json)['containers'])[0] as Json;

/** The nodes the pods run on, each once, in the pods' order. */
export const nodesOf = (pods: readonly K8sObject[]): string[] => [...new Set(pods.map((pod) => spec(pod)['nodeName'] as string))];

export const ref = (object: K8sObject): ExpectedEntity => ({ kind: object.kind, namespace: object.metadata.namespace ?? null, name: object.metadata.name });

/** Moves the pods' endpoint addresses between ready and not ready in every Endpoints object that lists them. */
export function endpointsReady(editor: RecordingEditor, pods: readonly K8sObject[], ready: boolean): void {
  const names = new Set(pods.map((pod) => pod.metadata.name));
  for (const endpoints of editor.find('Endpoints', (item) => records(item['subsets']).some((subset) => [...records(subset['addresses']), ...records(subset['notReadyAddresses'])].some((address) => names.has((address['targetRef'] as Json | undefined)?.['name'] as string))))) {
    editor.modify('Endpoints', endpoints.metadata.namespace, endpoints.metadata.name, (object) => {
      for (const subset of records(object['subsets'])) {
        const all = [...records(subset['addresses']), ...records(subset['notReadyAddresses'])];
        const moving = (address: Json) => names.has((address['targetRef'] as Json | undefined)?.['name'] as string);
        subset['addresses'] = all.filter((address) => (moving(address) ? ready : records(subset['addresses']).includes(address)));
        subset['notReadyAddresses'] = all.filter((address) => (moving(address) ? !ready : records(subset['notReadyAddresses']).includes(address)));
      }
    });
  }
}

/** A rollout's first step: template changed, a new ReplicaSet, `count` new pods scheduled on `nodes` (Pending); with no nodes, left unscheduled. */
export function startRollout(editor: RecordingEditor, namespace: string, name: string, changeTemplate: (template: Json) => void, nodes: string[], count = 1): { replicaSet: K8sObject; pods: K8sObject[] } {
  const deployment = editor.modify('Deployment', namespace, name, (object) => {
    changeTemplate(spec(object)['template'] as Json);
    object.metadata['generation'] = Number(object.metadata['generation'] ?? 1) + 1;
    status(object)['observedGeneration'] = object.metadata['generation'];
    status(object)['updatedReplicas'] = 0;
  });
  const [oldSet] = editor.find('ReplicaSet', (rs) => rs.metadata.namespace === namespace && records(rs.metadata['ownerReferences']).some((owner) => owner['uid'] === deployment.metadata.uid) && Number(spec(rs)['replicas'] ?? 0) > 0);
  const [oldPod] = editor.podsOf(namespace, name);
  if (!oldSet || !oldPod) throw new Error(`Deployment ${namespace}/${name} has no running ReplicaSet`);
  const hash = editor.suffix(9);
  const template = structuredClone(spec(deployment)['template'] as Json);
  ((template['metadata'] as Json)['labels'] as Json)['pod-template-hash'] = hash;
  const replicaSet: K8sObject = structuredClone(oldSet);
  replicaSet.metadata = { ...replicaSet.metadata, name: `${name}-${hash}`, uid: editor.uid(), creationTimestamp: editor.now, labels: { ...(replicaSet.metadata['labels'] as Json), 'pod-template-hash': hash } };
  replicaSet['spec'] = { ...spec(oldSet), replicas: count, template };
  replicaSet['status'] = { replicas: count, fullyLabeledReplicas: count, observedGeneration: 1 };
  editor.add(replicaSet);
  editor.event(deployment, 'ScalingReplicaSet', `Scaled up replica set ${replicaSet.metadata.name} from 0 to ${count}`, { component: 'deployment-controller' });
  const pods: K8sObject[] = [];
  for (let index = 0; index < count; index += 1) {
    const pod: K8sObject = structuredClone(oldPod);
    const podName = `${replicaSet.metadata.name}-${editor.suffix(5)}`;
    pod.metadata = {
      ...pod.metadata,
      name: podName,
      uid: editor.uid(),
      creationTimestamp: editor.now,
      labels: { ...((template['metadata'] as Json)['labels'] as Json) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet.metadata.name, uid: replicaSet.metadata.uid, controller: true, blockOwnerDeletion: true }],
    };
    delete pod.metadata['deletionTimestamp'];
    const podSpec = spec(pod);
    podSpec['containers'] = structuredClone((template['spec'] as Json)['containers']);
    delete podSpec['nodeName'];
    pod['status'] = { phase: 'Pending', qosClass: status(oldPod)['qosClass'] };
    editor.add(pod);
    editor.event(replicaSet, 'SuccessfulCreate', `Created pod: ${podName}`, { component: 'replicaset-controller' });
    if (nodes.length === 0) {
      pods.push(editor.get('Pod', namespace, podName));
      continue;
    }
    const node = nodes[index % nodes.length] as string;
    const scheduled = editor.modify('Pod', namespace, podName, (object) => {
      spec(object)['nodeName'] = node;
      object['status'] = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }], qosClass: status(oldPod)['qosClass'] };
    });
    editor.event(scheduled, 'Scheduled', `Successfully assigned ${namespace}/${podName} to ${node}`, { component: 'default-scheduler' });
    editor.advance(1);
    pods.push(
      editor.modify('Pod', namespace, podName, (object) => {
        const container = records(spec(object)['containers'])[0] as Json;
        object['status'] = {
          ...status(object),
          hostIP: (status(oldPod)['hostIP'] as string | undefined) ?? '10.0.1.10',
          startTime: editor.now,
          conditions: [
            { type: 'Initialized', status: 'True', lastTransitionTime: editor.now },
            { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: editor.now },
            { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: editor.now },
            { type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now },
          ],
          containerStatuses: [{ name: container['name'], image: container['image'], imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} }],
        };
      }),
    );
  }
  return { replicaSet, pods };
}

export function startContainer(editor: RecordingEditor, pod: K8sObject, ready: boolean): K8sObject {
  return editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => {
    status(object)['phase'] = 'Running';
    status(object)['podIP'] = `10.244.${(pod.metadata.name.length * 7) % 250}.${(pod.metadata.name.charCodeAt(pod.metadata.name.length - 1) * 3) % 250}`;
    const container = containerStatus(object);
    container['state'] = { running: { startedAt: editor.now } };
    container['started'] = true;
    container['containerID'] = `containerd://${pod.metadata.uid?.replace(/-/g, '')}`;
    setReady(object, ready, editor.now);
  });
}

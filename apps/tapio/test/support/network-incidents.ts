import { createHash } from 'node:crypto';
import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor, setReady } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';
import { activeReplicaSet, scaleDeployment } from './capacity-incidents.js';

type Json = Record<string, unknown>;
const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const spec = (object: K8sObject) => object['spec'] as Json;

export interface IpExhaustionOptions {
  /** The CNI collector runs (tapio-cni-tap lines besides the API server's); else only the kubelet's FailedCreatePodSandBox Events tell. */
  cni: boolean;
  /** Benign: each new pod misses an address once (old pods still hold theirs), gets one seconds later and runs. */
  transient?: boolean;
  /** Pods the Deployment is scaled up by. */
  extra?: number;
  seed?: string;
}

/** A tapio-cni-tap spool line as the CNI collector hands it on (source cni_tap). */
function cniLine(editor: RecordingEditor, cluster: string | undefined, node: string, pod: K8sObject, sandbox: string, outcome: { error: string } | { ip: string; gateway: string }): RecordedLine {
  const data = {
    time: editor.now,
    command: 'ADD',
    network: 'k8s-pod-network',
    plugin: 'bridge',
    containerId: sandbox,
    netns: `/var/run/netns/cni-${sandbox.slice(0, 8)}`,
    ifName: 'eth0',
    pod: { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    durationMs: 38,
    node,
    ...('error' in outcome ? { exitCode: 1, error: { code: 11, msg: outcome.error } } : { exitCode: 0, result: { interfaces: [{ name: 'eth0', sandbox: `/var/run/netns/cni-${sandbox.slice(0, 8)}` }], ips: [{ address: `${outcome.ip}/24`, gateway: outcome.gateway, interface: 0 }] } }),
  };
  return { timestamp: editor.now, source: 'cni_tap', type: 'cni_add', metadata: { node, ...(cluster ? { cluster } : {}) }, data } as unknown as RecordedLine;
}

/**
 * A Deployment is scaled up and its new pods land on `node`, whose pod IP range (host-local
 * IPAM) has no address left: every sandbox fails ("no IP addresses available in range set"),
 * the kubelet retries and reports FailedCreatePodSandBox, the pods stay ContainerCreating.
 * The root cause is the node's range (accept: the Node). `transient`: the benign look-alike of
 * a nearly full node whose old pods give their addresses back a few seconds later.
 */
export function ipExhaustion(recording: readonly RecordedLine[], node: string, namespace: string, deployment: string, options: IpExhaustionOptions): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `ipam-${node}-${options.cni ? 'cni' : 'api'}${options.transient ? '-transient' : ''}`);
  // Stamped like the API server's lines, so both meet on the same Pod.
  const cluster = recording[0]?.metadata['cluster'];
  const nodeObject = editor.get('Node', undefined, node);
  const cidr = String(spec(nodeObject)['podCIDR'] ?? '10.244.9.0/24');
  const base = cidr.replace(/\.0\/\d+$/, '');
  const range = `${base}.1-${base}.254`;
  const error = `failed to allocate for range 0: no IP addresses available in range set: ${range}`;
  const set = activeReplicaSet(editor, namespace, deployment);
  const replicas = Number(spec(set)['replicas'] ?? 1);
  editor.advance(120);
  scaleDeployment(editor, namespace, deployment, replicas + (options.extra ?? 3));
  const template = spec(set)['template'] as Json;
  const stuck: Array<{ pod: K8sObject; sandbox: () => string }> = [];
  for (let index = 0; index < (options.extra ?? 3); index += 1) {
    const name = `${set.metadata.name}-${editor.suffix(5)}`;
    editor.add({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, uid: editor.uid(), labels: { ...((template['metadata'] as Json)['labels'] as Json) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: set.metadata.name, uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }] },
      spec: structuredClone(template['spec'] as Json),
      status: { phase: 'Pending', qosClass: 'Burstable' },
    });
    editor.event(set, 'SuccessfulCreate', `Created pod: ${name}`, { component: 'replicaset-controller' });
    const pod = editor.modify('Pod', namespace, name, (object) => {
      spec(object)['nodeName'] = node;
      const containers = records(spec(object)['containers']);
      object['status'] = {
        phase: 'Pending',
        hostIP: '10.0.1.10',
        qosClass: 'Burstable',
        conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: editor.now }],
        containerStatuses: containers.map((container) => ({ name: container['name'], image: container['image'], imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} })),
      };
    });
    editor.event(pod, 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`, { component: 'default-scheduler' });
    let attempt = 0;
    stuck.push({ pod, sandbox: () => createHash('sha256').update(`${name}:${(attempt += 1)}`).digest('hex') });
    editor.advance(1);
  }
  // The kubelet retries each sandbox (its back-off grows); the message names the sandbox, so
  // every attempt is an Event of its own, as the real kubelet reports it.
  const rounds = options.transient ? 1 : 6;
  for (let round = 0; round < rounds; round += 1) {
    for (const { pod, sandbox } of stuck) {
      const id = sandbox();
      if (options.cni) editor.lines.push(cniLine(editor, cluster, node, pod, id, { error }));
      editor.event(pod, 'FailedCreatePodSandBox', `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${id}": plugin type="bridge" failed (add): ${error}`, { type: 'Warning', host: node });
      editor.advance(2);
    }
    editor.advance(round < 2 ? 10 : 30);
  }
  if (options.transient) {
    // Old pods of the node gave their addresses back: the retry gets one, the pods run.
    stuck.forEach(({ pod, sandbox }, index) => {
      const id = sandbox();
      const ip = `${base}.${200 + index}`;
      if (options.cni) editor.lines.push(cniLine(editor, cluster, node, pod, id, { ip, gateway: `${base}.1` }));
      editor.event(pod, 'Pulled', `Container image "${String(records(spec(pod)['containers'])[0]?.['image'])}" already present on machine`, { host: node });
      editor.modify('Pod', namespace, pod.metadata.name, (object) => {
        const status = object['status'] as Json;
        Object.assign(status, { phase: 'Running', podIP: ip, startTime: editor.now });
        for (const container of records(status['containerStatuses'])) Object.assign(container, { ready: true, started: true, state: { running: { startedAt: editor.now } } });
        setReady(object, true, editor.now);
      });
      editor.advance(1);
    });
  }
  editor.advance(120);
  return { lines: editor.lines, accept: options.transient ? [] : [{ kind: 'Node', namespace: null, name: node }] };
}

import { containerStatus, RecordingEditor, setReady } from '../support/recording-editor.js';
import type { ExpectedEntity, K8sObject, RecordedLine } from '../support/recording-variants.js';

type Json = Record<string, unknown>;
const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const spec = (object: K8sObject) => object['spec'] as Json;
const ref = (object: K8sObject): ExpectedEntity => ({ kind: object.kind, namespace: object.metadata.namespace ?? null, name: object.metadata.name });

/** Who calls whom in a generated incident: `caller` (a Deployment) calls the Service `callee`, both by name. */
export interface Call {
  callerNs: string;
  caller: string;
  calleeNs: string;
  callee: string;
  /** How the caller's spec names the callee: a readiness probe command, or an environment variable its app reads. */
  via: 'probe' | 'env';
}

export interface Generated {
  lines: RecordedLine[];
  accept: ExpectedEntity[];
}

const fqdn = (call: Call) => `${call.callee}.${call.calleeNs}.svc.cluster.local`;

/** Rewrites the starting state so the caller's pods (and template) name the callee. */
function wire(editor: RecordingEditor, call: Call): void {
  const change = (podSpec: Json) => {
    const container = records(podSpec['containers'])[0] as Json;
    if (call.via === 'probe') container['readinessProbe'] = { exec: { command: ['/bin/sh', '-c', `wget -qO- -T 2 http://${fqdn(call)}/ >/dev/null`] }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 };
    else container['env'] = [...records(container['env']), { name: 'UPSTREAM_URL', value: `http://${call.callee}.${call.calleeNs}:80/api` }];
  };
  editor.rewriteStart('Deployment', call.callerNs, call.caller, (deployment) => change((spec(deployment)['template'] as Json)['spec'] as Json));
  for (const pod of editor.podsOf(call.callerNs, call.caller)) editor.rewriteStart('Pod', call.callerNs, pod.metadata.name, (object) => change(spec(object)));
}

/** Moves the pods' addresses in their Endpoints to ready / not ready. */
function endpoints(editor: RecordingEditor, namespace: string, service: string, pods: readonly K8sObject[], ready: boolean): void {
  const names = new Set(pods.map((pod) => pod.metadata.name));
  editor.modify('Endpoints', namespace, service, (object) => {
    for (const subset of records(object['subsets'])) {
      const all = [...records(subset['addresses']), ...records(subset['notReadyAddresses'])];
      const moving = (address: Json) => names.has((address['targetRef'] as Json | undefined)?.['name'] as string);
      subset['addresses'] = all.filter((address) => (moving(address) ? ready : records(subset['addresses']).includes(address)));
      subset['notReadyAddresses'] = all.filter((address) => (moving(address) ? !ready : records(subset['notReadyAddresses']).includes(address)));
    }
  });
}

/** The caller's readiness probes fail with `message` (the kubelet's Unhealthy Events, repeated), its pods go unready and leave its Service. */
function callerFails(editor: RecordingEditor, call: Call, message: string, rounds = 4): void {
  const pods = editor.podsOf(call.callerNs, call.caller);
  for (let round = 0; round < rounds; round += 1) {
    for (const pod of pods) {
      const container = String(containerStatus(pod)['name']);
      editor.event(pod, 'Unhealthy', `Readiness probe failed: ${message}`, { type: 'Warning', fieldPath: `spec.containers{${container}}`, host: String(spec(pod)['nodeName']) });
      if (round === 1) editor.modify('Pod', call.callerNs, pod.metadata.name, (object) => setReady(object, false, editor.now));
      editor.advance(1);
    }
    if (round === 1) endpoints(editor, call.callerNs, call.caller, pods, false);
    editor.advance(10);
  }
}

/** CoreDNS's Corefile edited with a broken zone and put live by a restart: every cluster name lookup fails. */
export function corednsBroken(base: readonly RecordedLine[], call: Call, style: 'bad-address' | 'misbehaving', seed = 'dns'): Generated {
  const editor = new RecordingEditor(base, seed);
  wire(editor, call);
  editor.advance(100);
  const config = editor.modify('ConfigMap', 'kube-system', 'coredns', (object) => {
    const data = object['data'] as Json;
    data['Corefile'] = String(data['Corefile']).replace(/cluster\.local/g, 'cluster.locl');
  });
  editor.advance(5);
  editor.modify('Deployment', 'kube-system', 'coredns', (object) => {
    const template = spec(object)['template'] as Json;
    const metadata = (template['metadata'] ??= {}) as Json;
    metadata['annotations'] = { ...(metadata['annotations'] as Json | undefined), 'kubectl.kubernetes.io/restartedAt': editor.now };
    object.metadata['generation'] = Number(object.metadata['generation'] ?? 1) + 1;
  });
  editor.advance(4);
  const host = call.via === 'probe' ? fqdn(call) : `${call.callee}.${call.calleeNs}`;
  callerFails(editor, call, style === 'bad-address' ? `wget: bad address '${host}'` : `Get "http://${host}/": dial tcp: lookup ${host} on 10.96.0.10:53: server misbehaving`);
  return { lines: editor.lines, accept: [ref(config)] };
}

/** The callee Service's selector edited to a label no pod has: its ClusterIP refuses connections. */
export function selectorChangedRefused(base: readonly RecordedLine[], call: Call, seed = 'refused'): Generated {
  const editor = new RecordingEditor(base, seed);
  wire(editor, call);
  editor.advance(120);
  const service = editor.modify('Service', call.calleeNs, call.callee, (object) => void (spec(object)['selector'] = { app: `${call.callee}-v2` }));
  editor.advance(1);
  editor.modify('Endpoints', call.calleeNs, call.callee, (object) => void (object['subsets'] = []));
  editor.advance(3);
  const ip = String(spec(service)['clusterIP']);
  callerFails(editor, call, `Get "http://${ip}:80/": dial tcp ${ip}:80: connect: connection refused`);
  return { lines: editor.lines, accept: [ref(service)] };
}

/** A NetworkPolicy that selects the callee's pods with no ingress rule: the callers' connections time out. */
export function networkPolicyTimeout(base: readonly RecordedLine[], call: Call, seed = 'policy'): Generated {
  const editor = new RecordingEditor(base, seed);
  wire(editor, call);
  editor.advance(90);
  const policy = editor.add({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${call.callee}-lockdown`, namespace: call.calleeNs, uid: editor.uid(), generation: 1 },
    spec: { podSelector: { matchLabels: { app: call.callee } }, policyTypes: ['Ingress'], ingress: [] },
  });
  editor.advance(6);
  const service = editor.get('Service', call.calleeNs, call.callee);
  callerFails(editor, call, `Get "http://${call.callee}.${call.calleeNs}/": dial tcp ${String(spec(service)['clusterIP'])}:80: i/o timeout`);
  return { lines: editor.lines, accept: [ref(policy)] };
}

/** The callee's pods are replaced and the new ones cannot attach their volume: they stay Pending, the callers are refused. */
export function volumeAttachFailure(base: readonly RecordedLine[], call: Call, seed = 'attach'): Generated {
  const editor = new RecordingEditor(base, seed);
  wire(editor, call);
  editor.advance(110);
  const old = editor.podsOf(call.calleeNs, call.callee);
  const fresh: K8sObject[] = [];
  for (const pod of old) {
    editor.event(pod, 'Killing', `Stopping container ${String(containerStatus(pod)['name'])}`);
    editor.delete('Pod', call.calleeNs, pod.metadata.name);
    const replacement: K8sObject = structuredClone(pod);
    replacement.metadata = { ...replacement.metadata, name: `${pod.metadata.name.replace(/-[a-z0-9]+$/, '')}-${editor.suffix(5)}`, uid: editor.uid(), creationTimestamp: editor.now };
    replacement['status'] = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: editor.now }], qosClass: (pod['status'] as Json)['qosClass'] };
    fresh.push(editor.add(replacement));
  }
  editor.modify('Endpoints', call.calleeNs, call.callee, (object) => void (object['subsets'] = []));
  editor.advance(2);
  for (let round = 0; round < 3; round += 1) {
    for (const pod of fresh) editor.event(pod, 'FailedAttachVolume', `AttachVolume.Attach failed for volume "pvc-${editor.suffix(8)}" : rpc error: code = FailedPrecondition desc = volume is still attached to another node`, { type: 'Warning', component: 'attachdetach-controller' });
    editor.advance(4);
  }
  callerFails(editor, call, `Get "http://${call.callee}.${call.calleeNs}/": dial tcp ${String(spec(editor.get('Service', call.calleeNs, call.callee))['clusterIP'])}:80: connect: connection refused`);
  const deployment = editor.get('Deployment', call.calleeNs, call.callee);
  const replicaSets = editor.find('ReplicaSet', (rs) => records(rs.metadata['ownerReferences']).some((owner) => owner['uid'] === deployment.metadata.uid));
  return { lines: editor.lines, accept: [ref(deployment), ...replicaSets.map(ref), ...fresh.map(ref)] };
}

/** Benign: CoreDNS restarted (same Corefile), nothing fails. */
export function corednsRestart(base: readonly RecordedLine[], call: Call, seed = 'dns-ok'): Generated {
  const editor = new RecordingEditor(base, seed);
  wire(editor, call);
  editor.advance(100);
  editor.modify('Deployment', 'kube-system', 'coredns', (object) => {
    const metadata = ((spec(object)['template'] as Json)['metadata'] ??= {}) as Json;
    metadata['annotations'] = { ...(metadata['annotations'] as Json | undefined), 'kubectl.kubernetes.io/restartedAt': editor.now };
  });
  editor.advance(60);
  return { lines: editor.lines, accept: [] };
}

/** Benign: a NetworkPolicy over the callee that admits everyone; the callers have one probe blip that names it and recover. */
export function permissivePolicyWithBlip(base: readonly RecordedLine[], call: Call, seed = 'policy-ok'): Generated {
  const editor = new RecordingEditor(base, seed);
  wire(editor, call);
  editor.advance(90);
  editor.add({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${call.callee}-allow`, namespace: call.calleeNs, uid: editor.uid(), generation: 1 },
    spec: { podSelector: { matchLabels: { app: call.callee } }, policyTypes: ['Ingress'], ingress: [{}] },
  });
  editor.advance(20);
  const [pod] = editor.podsOf(call.callerNs, call.caller);
  if (pod) editor.event(pod, 'Unhealthy', `Readiness probe failed: Get "http://${call.callee}.${call.calleeNs}/": context deadline exceeded`, { type: 'Warning', fieldPath: `spec.containers{${String(containerStatus(pod)['name'])}}` });
  editor.advance(60);
  return { lines: editor.lines, accept: [] };
}

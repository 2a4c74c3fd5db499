import { createHash } from 'node:crypto';
import type { K8sObject, RecordedLine } from './recording-variants.js';
import { containerStatus, oomKill, RecordingEditor, setReady } from './recording-editor.js';
import { endpointsReady, type Json, records, ref, spec } from './rollout-steps.js';
import type { SyntheticIncident } from './synthetic-incidents.js';

/** systemd's catalog MESSAGE_IDs of unit state changes (the journal collector matches on them). */
const MESSAGE_IDS = {
  failed: 'd9b373ed55a64feb8242e02dbe79a49c',
  restartScheduled: '5eb03494b6584870a536b337290809b3',
  stopped: '9d1aaa27d60140bd96365438aad20286',
  started: '39f53479d3a045ac8e11786248231fbf',
} as const;

const DESCRIPTIONS: Record<string, string> = { 'containerd.service': 'containerd container runtime', 'crio.service': 'Container Runtime Interface for OCI (CRI-O)', 'kubelet.service': 'kubelet: The Kubernetes Node Agent', 'logrotate.service': 'Rotate log files' };

/** One systemd unit message as the journal collector records it (`journalctl --output=json`, the fields it keeps). */
function journalLine(editor: RecordingEditor, cluster: string, node: string, unit: string, kind: keyof typeof MESSAGE_IDS, extra: Record<string, string> = {}): RecordedLine {
  const description = DESCRIPTIONS[unit] ?? unit;
  const message = { failed: `${unit}: Failed with result '${extra['UNIT_RESULT'] ?? 'exit-code'}'.`, restartScheduled: `${unit}: Scheduled restart job, restart counter is at ${extra['N_RESTARTS'] ?? '1'}.`, stopped: `Stopped ${unit} - ${description}.`, started: `Started ${unit} - ${description}.` }[kind];
  const at = Date.parse(editor.now);
  const cursor = createHash('sha1').update(`${node}:${unit}:${kind}:${at}`).digest('hex').slice(0, 16);
  const fields = {
    __CURSOR: `s=7f1c0a5e;i=${cursor};b=3d9a;m=${at.toString(16)};t=${(at * 1000).toString(16)};x=${cursor.slice(0, 8)}`,
    __REALTIME_TIMESTAMP: String(at * 1000),
    _BOOT_ID: createHash('sha1').update(`boot:${node}`).digest('hex').slice(0, 32),
    _HOSTNAME: node,
    _TRANSPORT: 'journal',
    _PID: '1',
    _UID: '0',
    _COMM: 'systemd',
    SYSLOG_IDENTIFIER: 'systemd',
    PRIORITY: kind === 'failed' ? '4' : '6',
    MESSAGE_ID: MESSAGE_IDS[kind],
    MESSAGE: message,
    UNIT: unit,
    ...extra,
  };
  return { timestamp: new Date(at).toISOString(), source: 'systemd', type: 'journal_entry', metadata: { node, cluster }, data: { node, fields } } as unknown as RecordedLine;
}

/** Every container of the pod killed with the runtime (exit 255, reason Unknown) and started again by the kubelet. */
function restartWithRuntime(editor: RecordingEditor, pod: K8sObject): void {
  const namespace = pod.metadata.namespace as string;
  const name = String(containerStatus(pod)['name']);
  editor.event(pod, 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
  editor.modify('Pod', namespace, pod.metadata.name, (object) => {
    const container = containerStatus(object);
    container['state'] = { terminated: { exitCode: 255, reason: 'Unknown', startedAt: (container['state'] as Json | undefined)?.['running'] ? ((container['state'] as Json)['running'] as Json)['startedAt'] : editor.now, finishedAt: editor.now } };
    setReady(object, false, editor.now);
  });
  editor.advance(2);
  editor.event(pod, 'Created', `Created container ${name}`, { fieldPath: `spec.containers{${name}}` });
  editor.event(pod, 'Started', `Started container ${name}`, { fieldPath: `spec.containers{${name}}` });
  editor.modify('Pod', namespace, pod.metadata.name, (object) => {
    const container = containerStatus(object);
    container['lastState'] = { terminated: { exitCode: 255, reason: 'Unknown', startedAt: editor.now, finishedAt: editor.now } };
    container['restartCount'] = Number(container['restartCount'] ?? 0) + 1;
    container['state'] = { running: { startedAt: editor.now } };
  });
}

/**
 * The container runtime of `node` goes down and comes back (`crashed`: containerd is killed
 * by a signal and systemd restarts it; `upgraded`: an unattended package upgrade stops and
 * starts it). With `podsAffected` its shims and containers go with it: every pod of the node
 * shows SandboxChanged, a restart with exit 255 and a short unready spell. Without (benign),
 * the containers keep running through the restart, as containerd's shims allow.
 */
export function runtimeRestart(recording: readonly RecordedLine[], node: string, options: { unit?: string; how?: 'crashed' | 'upgraded'; podsAffected?: boolean; seed?: string } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `runtime-${node}`);
  const cluster = recording[0]?.metadata['cluster'] ?? 'default';
  const unit = options.unit ?? 'containerd.service';
  const journal: RecordedLine[] = [];
  editor.advance(110);
  journal.push(journalLine(editor, cluster, node, 'logrotate.service', 'started'));
  editor.advance(1);
  journal.push(journalLine(editor, cluster, node, 'logrotate.service', 'stopped'));
  editor.advance(70);
  if ((options.how ?? 'crashed') === 'crashed') {
    journal.push(journalLine(editor, cluster, node, unit, 'failed', { UNIT_RESULT: 'signal' }));
    editor.advance(5);
    journal.push(journalLine(editor, cluster, node, unit, 'restartScheduled', { N_RESTARTS: '1' }));
    journal.push(journalLine(editor, cluster, node, unit, 'stopped'));
  } else {
    journal.push(journalLine(editor, cluster, node, unit, 'stopped'));
    editor.advance(6);
  }
  editor.advance(1);
  journal.push(journalLine(editor, cluster, node, unit, 'started'));
  const pods = editor.podsOn(node).filter((pod) => !pod.metadata['deletionTimestamp']);
  if (options.podsAffected ?? true) {
    editor.advance(3);
    for (const pod of pods) {
      restartWithRuntime(editor, pod);
      editor.advance(1);
    }
    endpointsReady(editor, pods, false);
    editor.advance(12);
    for (const pod of pods) editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => setReady(object, true, editor.now));
    endpointsReady(editor, pods, true);
  }
  editor.advance(120);
  const affected = options.podsAffected ?? true;
  return { lines: [...editor.lines, ...journal], accept: affected ? [ref(editor.get('Node', undefined, node))] : [] };
}

/** Removes the memory limit of a Deployment (template and running pods) in the starting state: it may use what the node has. */
function withoutMemoryLimit(editor: RecordingEditor, namespace: string, deployment: string): void {
  const drop = (podSpec: Json) => {
    for (const container of records(podSpec['containers'])) {
      const limits = (container['resources'] as Json | undefined)?.['limits'] as Json | undefined;
      if (limits) delete limits['memory'];
    }
  };
  editor.rewriteStart('Deployment', namespace, deployment, (object) => drop((spec(object)['template'] as Json)['spec'] as Json));
  for (const pod of editor.podsOf(namespace, deployment)) editor.rewriteStart('Pod', namespace, pod.metadata.name, (object) => drop(spec(object)));
}

/**
 * A workload without a memory limit (`hog`) grows past what its node has (a replay after a
 * restart, a big query): the kernel's OOM killer kills it (the kubelet reports SystemOOM on the
 * Node), it comes back and grows again, and the next global OOM also kills a pod of another
 * workload on that node (`victim`), far below its own limit. Memory runs out faster than the
 * kubelet's eviction housekeeping sees it, so the node never reports MemoryPressure. With
 * `kills: 1` (benign) the hog is killed once and settles; no neighbour is hurt.
 */
export function noisyNeighbour(recording: readonly RecordedLine[], namespace: string, hog: string, victimNamespace: string, victim: string, options: { kills?: number; seed?: string } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `noisy-${hog}`);
  withoutMemoryLimit(editor, namespace, hog);
  const [hogPod] = editor.podsOf(namespace, hog);
  if (!hogPod) throw new Error(`no pod of ${namespace}/${hog}`);
  const nodeName = spec(hogPod)['nodeName'] as string;
  const node = editor.get('Node', undefined, nodeName);
  const victimPod = editor.podsOf(victimNamespace, victim).find((pod) => spec(pod)['nodeName'] === nodeName);
  if (!victimPod) throw new Error(`no pod of ${victimNamespace}/${victim} on ${nodeName}`);
  const kills = options.kills ?? 3;
  editor.advance(90);
  for (let kill = 1; kill <= kills; kill += 1) {
    const process = String(containerStatus(hogPod)['name']);
    editor.event(node, 'SystemOOM', `System OOM encountered, victim process: ${process}, pid: ${31_000 + kill * 217}`, { type: 'Warning', host: nodeName });
    oomKill(editor, hogPod.metadata.namespace as string, hogPod.metadata.name, (now) => ({ running: { startedAt: now } }));
    if (kill >= 2) {
      editor.advance(4);
      editor.event(node, 'SystemOOM', `System OOM encountered, victim process: ${String(containerStatus(victimPod)['name'])}, pid: ${24_000 + kill * 131}`, { type: 'Warning', host: nodeName });
      oomKill(editor, victimPod.metadata.namespace as string, victimPod.metadata.name, (now) => ({ running: { startedAt: now } }));
      endpointsReady(editor, [victimPod], false);
      editor.advance(15);
      editor.modify('Pod', victimNamespace, victimPod.metadata.name, (object) => setReady(object, true, editor.now));
      endpointsReady(editor, [victimPod], true);
    }
    editor.advance(20);
    editor.modify('Pod', namespace, hogPod.metadata.name, (object) => setReady(object, true, editor.now));
    editor.advance(kill === 1 ? 230 : 280);
  }
  editor.advance(60);
  if (kills < 2) return { lines: editor.lines, accept: [] };
  return { lines: editor.lines, accept: [ref(editor.get('Deployment', namespace, hog)), ...editor.find('ReplicaSet', (rs) => records(hogPod.metadata['ownerReferences']).some((owner) => owner['name'] === rs.metadata.name)).map(ref)] };
}

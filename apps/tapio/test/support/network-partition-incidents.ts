import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';
import { bootNs, nodeLocalLine, placement, podWorkload } from './node-local-lines.js';
import { records, spec, status } from './rollout-steps.js';

type Json = Record<string, unknown>;

/** errno of the kernel collector's connect failures: no answer to the SYN, or no route at all. */
const ERRNO = { ETIMEDOUT: 110, EHOSTUNREACH: 113 } as const;

/** Sets the Node's NetworkUnavailable condition the way the CNI agent reports it. */
function networkCondition(editor: RecordingEditor, node: string, unavailable: boolean, reason: string, message: string): void {
  editor.modify('Node', undefined, node, (object) => {
    const conditions = records(status(object)['conditions']).filter((condition) => condition['type'] !== 'NetworkUnavailable');
    conditions.unshift({ type: 'NetworkUnavailable', status: unavailable ? 'True' : 'False', reason, message, lastHeartbeatTime: editor.now, lastTransitionTime: editor.now });
    status(object)['conditions'] = conditions;
  });
}

/**
 * The kernel collector's line for one outgoing connection of `from` (on its node) that failed:
 * the SYN unanswered until the kernel gave up (tcp_close SYN_SENT -> CLOSE, ETIMEDOUT), or no
 * route to the peer (connect_error EHOSTUNREACH).
 */
function connectFails(editor: RecordingEditor, from: K8sObject, to: K8sObject, port: number, how: keyof typeof ERRNO, index: number): void {
  const { node, ip } = placement(from);
  const process = { pid: 3100 + index, tid: 3100 + index, ppid: 1, uid: 10001, comm: String(records(spec(from)['containers'])[0]?.['name'] ?? 'app').slice(0, 15) };
  const peer = { namespace: to.metadata.namespace, name: to.metadata.name, uid: String(to.metadata.uid) };
  const socket = { protocol: 'TCP', family: 'ipv4', srcIp: ip, srcPort: 41_000 + ((index * 7919) % 20_000), dstIp: placement(to).ip, dstPort: port, peer };
  const common = { node, bootNs: bootNs(editor), workload: podWorkload(from), process, socket, errno: ERRNO[how], errnoName: how };
  const data: Json = how === 'ETIMEDOUT' ? { ...common, oldState: 'SYN_SENT', newState: 'CLOSE', connectMs: 127_000 } : common;
  editor.lines.push(nodeLocalLine(editor, 'kernel', how === 'ETIMEDOUT' ? 'tcp_close' : 'connect_error', node, data));
}

/**
 * A node's pod network breaks: its CNI agent loses its routes (the Node's NetworkUnavailable
 * condition turns True), and every pod there fails to reach pods on the other nodes; the kernel
 * collector on the node sees their connects time out or find no route. The kubelet and the
 * node stay Ready. Root: the Node.
 */
export function networkPartition(recording: readonly RecordedLine[], node: string, options: { seed?: string; rounds?: number } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `partition-${node}`);
  const local = editor.podsOn(node).filter((pod) => pod.metadata.namespace === 'shop' || pod.metadata.namespace === 'payments');
  const remote = editor.find('Pod', (pod) => spec(pod)['nodeName'] !== node && (pod.metadata.namespace === 'shop' || pod.metadata.namespace === 'payments'));
  if (local.length === 0 || remote.length === 0) throw new Error(`no application pods on ${node} or elsewhere`);
  editor.advance(120);
  networkCondition(editor, node, true, 'CalicoIsDown', 'Calico is shutting down on this node');
  editor.advance(3);
  let index = 0;
  for (let round = 0; round < (options.rounds ?? 3); round += 1) {
    for (const from of local) {
      const to = remote[(index += 1) % remote.length] as K8sObject;
      connectFails(editor, from, to, 8080, index % 3 === 0 ? 'EHOSTUNREACH' : 'ETIMEDOUT', index);
      editor.advance(4);
    }
    editor.advance(20);
  }
  editor.advance(60);
  return { lines: editor.lines, accept: [{ kind: 'Node', namespace: null, name: node }] };
}

/**
 * Benign: the node's CNI agent is upgraded (a DaemonSet rollout): NetworkUnavailable for a
 * dozen seconds, two connects from the node time out meanwhile and are retried, routes back.
 */
export function cniAgentRestart(recording: readonly RecordedLine[], node: string, seed = 'cni-restart'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const [from] = editor.podsOn(node).filter((pod) => pod.metadata.namespace === 'shop');
  const [to] = editor.find('Pod', (pod) => spec(pod)['nodeName'] !== node && pod.metadata.namespace === 'shop');
  if (!from || !to) throw new Error(`no shop pod on ${node} or elsewhere`);
  editor.advance(150);
  networkCondition(editor, node, true, 'CalicoIsDown', 'Calico is shutting down on this node');
  editor.advance(4);
  connectFails(editor, from, to, 8080, 'ETIMEDOUT', 1);
  editor.advance(5);
  connectFails(editor, from, to, 8080, 'ETIMEDOUT', 2);
  editor.advance(4);
  networkCondition(editor, node, false, 'CalicoIsUp', 'Calico is running on this node');
  editor.advance(240);
  return { lines: editor.lines, accept: [] };
}

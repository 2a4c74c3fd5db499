import { createHash } from 'node:crypto';
import type { RecordingEditor } from './recording-editor.js';
import type { K8sObject, RecordedLine } from './recording-variants.js';

type Json = Record<string, unknown>;
const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A node-local collector's line (etcd, dns, kernel) as a recording keeps it: the collector's
 * RawEvent at the editor's clock, stamped with its node and the API server lines' cluster, so
 * both meet on the same objects.
 */
export function nodeLocalLine(editor: RecordingEditor, source: 'etcd' | 'dns' | 'kernel', type: string, node: string, data: Json): RecordedLine {
  const cluster = editor.lines[0]?.metadata['cluster'];
  return { timestamp: editor.now, source, type, metadata: { node, ...(cluster ? { cluster } : {}) }, data } as unknown as RecordedLine;
}

/**
 * The workload the DNS and kernel collectors attribute a packet or a socket to: the pod found
 * through its cgroup, as their Kubernetes index describes it (the collectors' RawWorkload).
 */
export function podWorkload(pod: K8sObject): Json {
  const uid = String(pod.metadata.uid);
  const container = records((pod['spec'] as Json)['containers'])[0] as Json;
  const containerId = hex(`${uid}:container`);
  return {
    kind: 'pod',
    cgroupId: BigInt(`0x${hex(uid).slice(0, 12)}`).toString(),
    cgroupPath: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice/cri-containerd-${containerId}.scope`,
    podUid: uid,
    containerId,
    container: String(container['name']),
    pod: {
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid,
      ...(pod.metadata['labels'] ? { labels: pod.metadata['labels'] } : {}),
      ...(pod.metadata['ownerReferences'] ? { ownerReferences: pod.metadata['ownerReferences'] } : {}),
    },
  };
}

/** The node a pod runs on and its address, as the collectors on that node see it. */
export function placement(pod: K8sObject): { node: string; ip: string } {
  const node = String((pod['spec'] as Json)['nodeName']);
  const ip = String((pod['status'] as Json)['podIP'] ?? '10.244.0.9');
  return { node, ip };
}

/** The boot-clock stamp the collectors put on a kernel or packet event (nanoseconds since boot, decimal). */
export function bootNs(editor: RecordingEditor): string {
  return (BigInt(Date.parse(editor.now) - Date.parse('2020-01-01T00:00:00Z')) * 1_000_000n).toString();
}

import { entityKey, type EntityRef, type K8sContext, type KernelData, type TransformContext } from '@tapio/domain';
import type { RawPod, RawProcess, RawWorkload } from '../raw/kernel-raw-data.js';

export interface Subject {
  entity: EntityRef;
  k8sContext?: K8sContext;
  kernel: KernelData;
  correlationHints: string[];
  /** "pod shop/cart-7d9 (container app)" or "host node-1 (containerd.service)". */
  label: string;
}

export function podEntity(pod: RawPod, cluster: string): EntityRef {
  return { kind: 'Pod', name: pod.name, namespace: pod.namespace, uid: pod.uid, cluster };
}

/** The entity, Kubernetes context and kernel data of a kernel event's workload. */
export function subjectOf(workload: RawWorkload, process: RawProcess | undefined, node: string, context: TransformContext): Subject {
  const kernel: KernelData = { cgroupId: workload.cgroupId };
  if (process) Object.assign(kernel, { pid: process.pid, tid: process.tid, ppid: process.ppid, comm: process.comm });
  if (workload.cgroupPath) kernel.cgroupPath = workload.cgroupPath;
  if (workload.memoryCgroupPath) kernel.memoryCgroup = workload.memoryCgroupPath;
  if (workload.containerId) kernel.containerId = workload.containerId;
  if (workload.podUid ?? workload.pod?.uid) kernel.podUid = workload.podUid ?? workload.pod?.uid;
  if (workload.systemdUnit) kernel.systemdUnit = workload.systemdUnit;
  const nodeKey = entityKey({ kind: 'Node', name: node, cluster: context.cluster });

  if (workload.pod) {
    const pod = workload.pod;
    const k8sContext: K8sContext = { cluster: context.cluster, kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid, nodeName: node };
    if (pod.labels) k8sContext.labels = pod.labels;
    if (pod.ownerReferences) k8sContext.ownerReferences = pod.ownerReferences;
    const container = workload.container ? ` (container ${workload.container})` : '';
    return { entity: podEntity(pod, context.cluster), k8sContext, kernel, correlationHints: [nodeKey], label: `pod ${pod.namespace}/${pod.name}${container}` };
  }
  // A pod the Kubernetes index does not know (yet): said so, kept on the host.
  const where = workload.podUid
    ? `unknown pod ${workload.podUid} on host ${node}`
    : `host ${node}${workload.systemdUnit ? ` (${workload.systemdUnit})` : ''}`;
  return { entity: { kind: 'Host', name: node, cluster: context.cluster }, kernel, correlationHints: [nodeKey], label: where };
}

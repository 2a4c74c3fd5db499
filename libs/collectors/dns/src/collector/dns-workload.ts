import type { KubeIndex, PodIdentity } from '@tapio/domain';
import type { Attribution } from '@tapio/ebpf-native';
import type { DnsWorkload } from './dns-raw-data.js';

const LOOPBACK = /^(127\.|::1$)/;

function rawPod(pod: PodIdentity): NonNullable<DnsWorkload['pod']> {
  return {
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    ...(pod.labels ? { labels: pod.labels } : {}),
    ...(pod.ownerReferences ? { ownerReferences: pod.ownerReferences } : {}),
  };
}

/**
 * The workload that asked: by the socket's cgroup first; when that names no pod (cgroup
 * v1 nodes, where pods are not in the v2 hierarchy), by the client address.
 */
export function dnsWorkload(attribution: Attribution, cgroupId: bigint, clientIp: string, kubeIndex: KubeIndex | undefined): DnsWorkload {
  const workload: DnsWorkload = { kind: attribution.kind, cgroupId: cgroupId.toString() };
  if (attribution.cgroupPath) workload.cgroupPath = attribution.cgroupPath;
  if (attribution.podUid) workload.podUid = attribution.podUid;
  if (attribution.containerId) workload.containerId = attribution.containerId;
  if (attribution.containerName) workload.container = attribution.containerName;
  if (attribution.systemdUnit) workload.systemdUnit = attribution.systemdUnit;
  if (attribution.pod) {
    workload.pod = rawPod(attribution.pod);
    workload.attributedBy = 'cgroup';
    return workload;
  }
  const byIp = !attribution.podUid && !LOOPBACK.test(clientIp) ? kubeIndex?.podByIp(clientIp) : undefined;
  if (byIp) {
    workload.kind = 'pod';
    workload.pod = rawPod(byIp);
    workload.podUid = byIp.uid;
    workload.attributedBy = 'ip';
  }
  return workload;
}

import type { ContainerRecord } from '../client/containerd-client.js';
import type { CriWorkload } from './cri-raw-data.js';

/** The labels the CRI plugin (and the kubelet) put on every container it creates. */
const LABEL = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
  kind: 'io.cri-containerd.kind',
} as const;

export function workloadOf(container: ContainerRecord): CriWorkload {
  const workload: CriWorkload = { containerId: container.id };
  for (const [key, label] of Object.entries(LABEL) as [keyof typeof LABEL, string][]) {
    const value = container.labels[label];
    if (value) workload[key] = value;
  }
  if (container.image) workload.image = container.image;
  return workload;
}

/**
 * Workloads by container id, least recently used evicted first: a container's labels are
 * read while it exists and are still known for its exit and delete events.
 */
export class WorkloadCache {
  private readonly entries = new Map<string, CriWorkload>();

  constructor(private readonly capacity: number) {}

  get(key: string): CriWorkload | undefined {
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(key: string, workload: CriWorkload): void {
    this.entries.delete(key);
    this.entries.set(key, workload);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

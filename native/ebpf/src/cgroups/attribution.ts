import type { KubeIndex, PodIdentity } from '@tapio/domain';
import { CgroupResolver } from './cgroup-resolver.js';
import { parseCgroupPath, type CgroupIdentity } from './kube-cgroup.js';
import type { CgroupMounts } from '../mounts.js';

/** Who a kernel event belongs to: a pod (and container) or the host. */
export interface Attribution {
  kind: 'pod' | 'host';
  /** The cgroup path that identified the workload (v2 path, else memory cgroup path). */
  cgroupPath?: string;
  memoryCgroupPath?: string;
  podUid?: string;
  containerId?: string;
  qosClass?: CgroupIdentity['qosClass'];
  systemdUnit?: string;
  /** The pod from the Kubernetes index, when it knows the uid or the container. */
  pod?: PodIdentity;
  containerName?: string;
}

/**
 * cgroup ids -> cgroup paths -> container id / pod uid -> pod, through the KubeIndex
 * port. Both hierarchies are consulted: the v2 id every task has, and the memory
 * cgroup id, which on cgroup v1 hosts is where kubelet's pod cgroups are.
 */
export class CgroupAttributor {
  private readonly unified?: CgroupResolver;
  private readonly memory?: CgroupResolver;

  constructor(
    mounts: CgroupMounts,
    private readonly kubeIndex: KubeIndex | undefined,
    options: { minRescanMs?: number } = {},
  ) {
    if (mounts.unified) this.unified = new CgroupResolver(mounts.unified, options);
    const memoryRoot = mounts.memoryV1 ?? mounts.unified;
    if (memoryRoot) this.memory = memoryRoot === mounts.unified && this.unified ? this.unified : new CgroupResolver(memoryRoot, options);
  }

  attribute(cgroupId: bigint, memcgId: bigint): Attribution {
    const unifiedPath = this.unified?.resolve(cgroupId);
    const memoryPath = memcgId === cgroupId && this.memory === this.unified ? unifiedPath : this.memory?.resolve(memcgId);
    const fromUnified = unifiedPath ? this.parse(unifiedPath) : {};
    const fromMemory = memoryPath ? this.parse(memoryPath) : {};
    const useMemory = !fromUnified.podUid && !fromUnified.containerId && (fromMemory.podUid !== undefined || fromMemory.containerId !== undefined);
    const identity = useMemory ? fromMemory : fromUnified.podUid || fromUnified.containerId || fromUnified.systemdUnit ? fromUnified : fromMemory;
    const cgroupPath = useMemory ? memoryPath : (unifiedPath && unifiedPath !== '/' ? unifiedPath : (memoryPath ?? unifiedPath));

    const attribution: Attribution = { kind: identity.podUid || identity.containerId ? 'pod' : 'host' };
    if (cgroupPath) attribution.cgroupPath = cgroupPath;
    if (memoryPath) attribution.memoryCgroupPath = memoryPath;
    if (identity.podUid) attribution.podUid = identity.podUid;
    if (identity.containerId) attribution.containerId = identity.containerId;
    if (identity.qosClass) attribution.qosClass = identity.qosClass;
    if (identity.systemdUnit) attribution.systemdUnit = identity.systemdUnit;
    const pod = this.lookupPod(identity);
    if (pod) {
      attribution.pod = pod;
      attribution.kind = 'pod';
      const container = identity.containerId ? pod.containers.find((candidate) => candidate.containerId === identity.containerId) : undefined;
      if (container) attribution.containerName = container.name;
    } else if (!identity.podUid) {
      // A container outside Kubernetes (plain docker) still runs on the host.
      attribution.kind = 'host';
    }
    return attribution;
  }

  private readonly parsed = new Map<string, CgroupIdentity>();

  /** Paths repeat (one per container): parse each once. */
  private parse(path: string): CgroupIdentity {
    let identity = this.parsed.get(path);
    if (!identity) {
      if (this.parsed.size >= 16_384) this.parsed.clear();
      identity = parseCgroupPath(path);
      this.parsed.set(path, identity);
    }
    return identity;
  }

  private lookupPod(identity: CgroupIdentity): PodIdentity | undefined {
    if (!this.kubeIndex) return undefined;
    return (identity.containerId ? this.kubeIndex.podByContainerId(identity.containerId) : undefined) ?? (identity.podUid ? this.kubeIndex.podByUid(identity.podUid) : undefined);
  }
}

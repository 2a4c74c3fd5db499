/**
 * What a cgroup path says about the workload in it, for the layouts kubelet and the
 * container runtimes create:
 *  - systemd driver: /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_with_underscores>.slice/cri-containerd-<id>.scope
 *    (guaranteed pods: /kubepods.slice/kubepods-pod<uid>.slice/...; runtimes: cri-containerd-, crio-, docker-)
 *  - cgroupfs driver: /kubepods/burstable/pod<uid>/<id> (guaranteed: /kubepods/pod<uid>/<id>)
 * possibly below a prefix (kind, nested runtimes). Anything else is a host process,
 * with its systemd unit when it runs in one.
 */
export interface CgroupIdentity {
  podUid?: string;
  containerId?: string;
  qosClass?: 'guaranteed' | 'burstable' | 'besteffort';
  /** The systemd unit (service or scope) the process runs in, for host processes. */
  systemdUnit?: string;
  runtime?: string;
}

const UID = '[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}';
const SYSTEMD_POD = new RegExp(`^(?:[a-z0-9]+-)?kubepods(?:-(burstable|besteffort))?-pod(${UID})\\.slice$`);
const CGROUPFS_POD = new RegExp(`^pod(${UID})$`);
const SYSTEMD_CONTAINER = /^(?:(cri-containerd|crio|docker|containerd)-)([0-9a-f]{64})\.scope$/;
const CGROUPFS_CONTAINER = /^([0-9a-f]{64})$/;
const UNIT = /\.(service|scope|socket|mount|swap|timer|path|target)$/;

export function parseCgroupPath(path: string): CgroupIdentity {
  const segments = path.split('/').filter((segment) => segment.length > 0);
  const identity: CgroupIdentity = {};
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] as string;
    const systemdPod = SYSTEMD_POD.exec(segment);
    const cgroupfsPod = systemdPod ? null : CGROUPFS_POD.exec(segment);
    if (systemdPod || cgroupfsPod) {
      const uid = (systemdPod ? systemdPod[2] : cgroupfsPod?.[1]) as string;
      identity.podUid = uid.replace(/_/g, '-');
      identity.qosClass = qosOf(systemdPod ? systemdPod[1] : segments[index - 1]);
      delete identity.containerId;
      delete identity.runtime;
      continue;
    }
    const systemdContainer = SYSTEMD_CONTAINER.exec(segment);
    if (systemdContainer) {
      identity.containerId = systemdContainer[2] as string;
      identity.runtime = systemdContainer[1] as string;
      continue;
    }
    const plain = CGROUPFS_CONTAINER.exec(segment);
    if (plain && identity.podUid) identity.containerId = plain[1] as string;
  }
  if (!identity.podUid && !identity.containerId) {
    const unit = [...segments].reverse().find((segment) => UNIT.test(segment));
    if (unit) identity.systemdUnit = unit;
  }
  return identity;
}

function qosOf(marker: string | undefined): CgroupIdentity['qosClass'] {
  if (marker === 'burstable') return 'burstable';
  if (marker === 'besteffort') return 'besteffort';
  return 'guaranteed';
}

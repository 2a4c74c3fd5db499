import { parseCgroupPath, parseMountInfo, cgroupMounts } from '@tapio/ebpf-native';
import { describe, expect, it } from 'vitest';

const uid = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const id = 'a'.repeat(40) + '0123456789abcdef01234567';

describe('cgroup path -> pod uid, container id, systemd unit', () => {
  it.each([
    ['systemd burstable, containerd', `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice/cri-containerd-${id}.scope`, { podUid: uid, containerId: id, qosClass: 'burstable', runtime: 'cri-containerd' }],
    ['systemd guaranteed, cri-o', `/kubepods.slice/kubepods-pod${uid.replace(/-/g, '_')}.slice/crio-${id}.scope`, { podUid: uid, containerId: id, qosClass: 'guaranteed', runtime: 'crio' }],
    ['systemd besteffort, docker', `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${uid.replace(/-/g, '_')}.slice/docker-${id}.scope`, { podUid: uid, containerId: id, qosClass: 'besteffort' }],
    ['cgroupfs burstable', `/kubepods/burstable/pod${uid}/${id}`, { podUid: uid, containerId: id, qosClass: 'burstable' }],
    ['cgroupfs guaranteed', `/kubepods/pod${uid}/${id}`, { podUid: uid, containerId: id, qosClass: 'guaranteed' }],
    ['pod-level cgroup (no container)', `/kubepods/besteffort/pod${uid}`, { podUid: uid, qosClass: 'besteffort' }],
    ['nested under a prefix (kind node)', `/docker/${'b'.repeat(64)}/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice/cri-containerd-${id}.scope`, { podUid: uid, containerId: id, qosClass: 'burstable' }],
  ])('%s', (_, path, expected) => {
    expect(parseCgroupPath(path)).toMatchObject(expected);
  });

  it('host processes: the systemd unit, no pod', () => {
    expect(parseCgroupPath('/system.slice/containerd.service')).toEqual({ systemdUnit: 'containerd.service' });
    expect(parseCgroupPath('/user.slice/user-1000.slice/session-4.scope')).toEqual({ systemdUnit: 'session-4.scope' });
    expect(parseCgroupPath('/')).toEqual({});
  });

  it('a non-Kubernetes container scope gives the container id without a pod', () => {
    expect(parseCgroupPath(`/system.slice/docker-${id}.scope`)).toEqual({ containerId: id, runtime: 'docker' });
  });

  it('a 64-hex directory outside a pod cgroup is not taken for a container', () => {
    expect(parseCgroupPath(`/${id}`)).toEqual({});
  });
});

describe('mountinfo -> cgroup hierarchies', () => {
  it('finds the cgroup2 mount and the v1 memory hierarchy, unescaping paths', () => {
    const mounts = parseMountInfo(
      [
        '30 25 0:26 / /sys/fs/cgroup/unified rw,nosuid shared:9 - cgroup2 cgroup2 rw',
        '31 25 0:27 / /sys/fs/cgroup/memory rw,nosuid shared:10 - cgroup cgroup rw,memory',
        '32 25 0:28 / /sys/fs/cgroup/cpu rw,nosuid shared:11 - cgroup cgroup rw,cpu',
        '33 25 0:29 / /mnt/with\\040space rw - tmpfs tmpfs rw',
      ].join('\n'),
    );
    expect(cgroupMounts(mounts)).toEqual({ unified: '/sys/fs/cgroup/unified', memoryV1: '/sys/fs/cgroup/memory' });
    expect(mounts[3]?.mountPoint).toBe('/mnt/with space');
  });
});

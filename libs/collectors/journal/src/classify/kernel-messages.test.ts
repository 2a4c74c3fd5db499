import { describe, expect, it } from 'vitest';
import { classifyKernelMessage, unitOfCgroup } from './kernel-messages.js';

describe('classifyKernelMessage', () => {
  it.each([
    ['Out of memory: Killed process 4242 (java) total-vm:123kB, anon-rss:10240kB, file-rss:0kB', { kind: 'oom_kill', pid: 4242, comm: 'java', rssKb: 10240 }],
    ['Memory cgroup out of memory: Killed process 77 (memhog) total-vm:1kB, anon-rss:16kB', { kind: 'oom_kill', pid: 77, comm: 'memhog', rssKb: 16 }],
    [
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/kubelet.service,task_memcg=/system.slice/kubelet.service,task=kubelet,pid=12,uid=0',
      { kind: 'oom_context', memcg: '/system.slice/kubelet.service', comm: 'kubelet', pid: 12 },
    ],
    ['INFO: task jbd2/sda1-8:311 blocked for more than 120 seconds.', { kind: 'hung_task', comm: 'jbd2/sda1-8', pid: 311, blockedSeconds: 120 }],
    ['e1000e 0000:00:19.0 eth0: NIC Link is Down', { kind: 'link_down', device: 'eth0' }],
    ['mlx5_core 0000:3b:00.0 ens1f0: Link is Up - 25Gbps/Full', { kind: 'link_up', device: 'ens1f0' }],
    ['cni0: port 3(veth1234abcd) entered disabled state', { kind: 'link_down', device: 'cni0', port: 'veth1234abcd' }],
    ['cni0: port 3(veth1234abcd) entered forwarding state', { kind: 'link_up', device: 'cni0', port: 'veth1234abcd' }],
    ['EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0', { kind: 'filesystem_error', filesystem: 'EXT4', device: 'sda1' }],
    ['EXT4-fs (sda1): Remounting filesystem read-only', { kind: 'filesystem_error', filesystem: 'EXT4', device: 'sda1' }],
    ['XFS (nvme0n1p2): Corruption detected. Unmount and run xfs_repair', { kind: 'filesystem_error', filesystem: 'XFS', device: 'nvme0n1p2' }],
    ['blk_update_request: I/O error, dev sdb, sector 2048 op 0x1:(WRITE) flags 0x800', { kind: 'filesystem_error', filesystem: 'block', device: 'sdb' }],
  ])('%s', (message, expected) => {
    expect(classifyKernelMessage(message)).toMatchObject(expected);
  });

  it.each(['Linux version 6.1.0', 'cni0: port 3(veth1) entered blocking state', 'IPv6: ADDRCONF(NETDEV_CHANGE): veth1: link becomes ready', 'audit: type=1400 audit(0.0:1): apparmor="STATUS"'])(
    'ignores "%s"',
    (message) => expect(classifyKernelMessage(message)).toBeUndefined(),
  );

  it('names the unit of a service or scope cgroup only', () => {
    expect(unitOfCgroup('/system.slice/containerd.service')).toBe('containerd.service');
    expect(unitOfCgroup('/kubepods.slice/kubepods-burstable.slice/cri-containerd-abc.scope')).toBe('cri-containerd-abc.scope');
    expect(unitOfCgroup('/kubepods/burstable/pod1234/abcdef')).toBeUndefined();
  });
});

/** A kernel message Tapio reports, with what it could read out of the text. */
export type KernelFinding =
  | { kind: 'oom_kill'; pid: number; comm: string; memcg?: string; unit?: string; rssKb?: number }
  | { kind: 'oom_context'; memcg: string; pid: number; comm: string }
  | { kind: 'hung_task'; comm: string; pid: number; blockedSeconds: number }
  | { kind: 'link_down'; device: string; port?: string }
  | { kind: 'link_up'; device: string; port?: string }
  | { kind: 'filesystem_error'; filesystem: string; device: string; detail: string };

// "Out of memory: Killed process 4242 (memhog) total-vm:...kB, anon-rss:10240kB, ..." and the
// cgroup variant "Memory cgroup out of memory: Killed process ...".
const OOM_KILLED = /[Oo]ut of memory: Killed process (\d+) \(([^)]*)\)(?:.*?anon-rss:(\d+)kB)?/;
// "oom-kill:constraint=CONSTRAINT_MEMCG,...,oom_memcg=/x,task_memcg=/system.slice/kubelet.service,task=kubelet,pid=12,uid=0"
const OOM_CONTEXT = /^oom-kill:.*task_memcg=([^,]*),task=([^,]*),pid=(\d+)/;
// "INFO: task kworker/0:1:123 blocked for more than 120 seconds."
const HUNG_TASK = /^INFO: task (.+):(\d+) blocked for more than (\d+) seconds/;
// NIC drivers: "e1000e 0000:00:19.0 eth0: NIC Link is Down", "eth0: Link is Up - 1Gbps/Full".
const NIC_LINK = /(\S+?):? (?:NIC )?Link is (Down|Up)\b/;
// Bridges: "br0: port 1(veth12) entered disabled state" / "entered forwarding state".
const BRIDGE_PORT = /^(\S+): port \d+\((\S+)\) entered (disabled|forwarding) state/;
// "EXT4-fs error (device sda1): ...", "XFS (sdb): Corruption detected...", "BTRFS error (device sdc): ..."
const FS_ERROR = /^(EXT[234]-fs|BTRFS) (?:error|critical) \(device ([^)]+)\)(?::\s*(.*))?/;
const XFS_ERROR = /^XFS \(([^)]+)\): (.*(?:Corruption|I\/O error|Internal error|shutdown|Metadata).*)/i;
// Block layer: "I/O error, dev sda, sector 123 op 0x1:(WRITE) ..." / "Buffer I/O error on dev sda1, ...".
const BLOCK_IO = /(?:blk_update_request: )?(?:Buffer )?I\/O error(?:,| on) dev (\w+)[, ](.*)/;
// "EXT4-fs (sda1): Remounting filesystem read-only"
const READ_ONLY = /^(EXT[234]-fs|XFS|BTRFS) \(([^)]+)\): .*(?:[Rr]emounting filesystem read-only|shutting down)/;

/** The systemd unit of a cgroup path: `/system.slice/kubelet.service` → `kubelet.service`. */
export function unitOfCgroup(cgroup: string): string | undefined {
  const last = cgroup.split('/').filter(Boolean).pop();
  return last && /\.(service|scope)$/.test(last) ? last : undefined;
}

/**
 * Classifies one kernel log line. Only what points at trouble a node's pods feel is
 * reported; everything else (boot chatter, audit, driver info) yields undefined.
 */
export function classifyKernelMessage(message: string): KernelFinding | undefined {
  let match = OOM_KILLED.exec(message);
  if (match) {
    const finding: KernelFinding = { kind: 'oom_kill', pid: Number(match[1]), comm: match[2] ?? '' };
    if (match[3]) finding.rssKb = Number(match[3]);
    return finding;
  }
  match = OOM_CONTEXT.exec(message);
  if (match) return { kind: 'oom_context', memcg: match[1] ?? '', comm: match[2] ?? '', pid: Number(match[3]) };
  match = HUNG_TASK.exec(message);
  if (match) return { kind: 'hung_task', comm: match[1] ?? '', pid: Number(match[2]), blockedSeconds: Number(match[3]) };
  match = BRIDGE_PORT.exec(message);
  if (match) return { kind: match[3] === 'disabled' ? 'link_down' : 'link_up', device: match[1] ?? '', port: match[2] ?? '' };
  match = NIC_LINK.exec(message);
  if (match) return { kind: match[2] === 'Down' ? 'link_down' : 'link_up', device: match[1] ?? '' };
  match = FS_ERROR.exec(message) ?? READ_ONLY.exec(message);
  if (match) return { kind: 'filesystem_error', filesystem: (match[1] ?? '').replace(/-fs$/, ''), device: match[2] ?? '', detail: match[3] ?? message };
  match = XFS_ERROR.exec(message);
  if (match) return { kind: 'filesystem_error', filesystem: 'XFS', device: match[1] ?? '', detail: match[2] ?? message };
  match = BLOCK_IO.exec(message);
  if (match) return { kind: 'filesystem_error', filesystem: 'block', device: match[1] ?? '', detail: message };
  return undefined;
}

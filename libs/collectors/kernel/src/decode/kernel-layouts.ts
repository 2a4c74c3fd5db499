import { struct } from '@tapio/ebpf-native';

/**
 * The layouts of native/ebpf/bpf/kernel.h, field by field. A test compares every one of
 * them with the BTF of the compiled kernel.bpf.o, so a change on either side that is
 * not mirrored on the other fails there rather than decoding garbage.
 */
export const EVENT_HEADER = struct('tapio_event_header', 64, {
  ts_ns: [0, 8],
  cgroup_id: [8, 8],
  memcg_id: [16, 8],
  kind: [24, 4],
  pid: [28, 4],
  tid: [32, 4],
  ppid: [36, 4],
  uid: [40, 4],
  flags: [44, 4],
  comm: [48, 16],
});

export const SOCK_TUPLE = struct('tapio_sock_tuple', 40, {
  family: [0, 2],
  sport: [2, 2],
  dport: [4, 2],
  pad: [6, 2],
  saddr: [8, 16],
  daddr: [24, 16],
});

export const EXEC_EVENT = struct('tapio_exec_event', 328, {
  hdr: [0, 64],
  old_pid: [64, 4],
  filename_len: [68, 4],
  filename: [72, 256],
});

export const EXIT_EVENT = struct('tapio_exit_event', 88, {
  hdr: [0, 64],
  exit_code: [64, 4],
  signal: [68, 4],
  core_dumped: [72, 4],
  pad: [76, 4],
  start_ns: [80, 8],
});

export const OOM_EVENT = struct('tapio_oom_event', 120, {
  hdr: [0, 64],
  total_vm_pages: [64, 8],
  anon_rss_pages: [72, 8],
  file_rss_pages: [80, 8],
  shmem_rss_pages: [88, 8],
  oom_score_adj: [96, 4],
  trigger_pid: [100, 4],
  trigger_comm: [104, 16],
});

export const SIGNAL_EVENT = struct('tapio_signal_event', 104, {
  hdr: [0, 64],
  sig: [64, 4],
  code: [68, 4],
  result: [72, 4],
  sender_pid: [76, 4],
  sender_cgroup_id: [80, 8],
  sender_comm: [88, 16],
});

export const TCP_CLOSE_EVENT = struct('tapio_tcp_close_event', 120, {
  hdr: [0, 64],
  tuple: [64, 40],
  sk_err: [104, 4],
  oldstate: [108, 2],
  newstate: [110, 2],
  connect_ns: [112, 8],
});

export const RETRANSMIT_EVENT = struct('tapio_retransmit_event', 128, {
  hdr: [0, 64],
  tuple: [64, 40],
  retransmits: [104, 4],
  final: [108, 4],
  first_ns: [112, 8],
  state: [120, 4],
  pad: [124, 4],
});

export const CONNECT_ERROR_EVENT = struct('tapio_connect_error_event', 112, {
  hdr: [0, 64],
  tuple: [64, 40],
  err: [104, 4],
  pad: [108, 4],
});

export const KERNEL_LAYOUTS = [EVENT_HEADER, SOCK_TUPLE, EXEC_EVENT, EXIT_EVENT, OOM_EVENT, SIGNAL_EVENT, TCP_CLOSE_EVENT, RETRANSMIT_EVENT, CONNECT_ERROR_EVENT] as const;

/** enum tapio_kernel_event_kind */
export const EVENT_KIND = {
  exec: 1,
  exit: 2,
  oom: 3,
  signal: 4,
  tcpClose: 5,
  retransmit: 6,
  connectError: 7,
} as const;

/** enum tapio_kernel_counter: slots of the per-CPU counters map. */
export const COUNTER_SLOT = {
  dropExec: 1,
  dropExit: 2,
  dropOom: 3,
  dropSignal: 4,
  dropTcpClose: 5,
  dropRetransmit: 6,
  dropConnectError: 7,
  exec: 16,
  exitClean: 17,
  connectOk: 18,
  retransmit: 19,
  connectFailInSyscall: 20,
} as const;

export const DROP_SLOTS: Record<string, number> = {
  exec: COUNTER_SLOT.dropExec,
  exit: COUNTER_SLOT.dropExit,
  oom: COUNTER_SLOT.dropOom,
  signal: COUNTER_SLOT.dropSignal,
  tcp_close: COUNTER_SLOT.dropTcpClose,
  retransmit: COUNTER_SLOT.dropRetransmit,
  connect_error: COUNTER_SLOT.dropConnectError,
};

export const AGGREGATE_SLOTS: Record<string, number> = {
  exec: COUNTER_SLOT.exec,
  exit_clean: COUNTER_SLOT.exitClean,
  connect_ok: COUNTER_SLOT.connectOk,
  retransmit: COUNTER_SLOT.retransmit,
  connect_fail_in_syscall: COUNTER_SLOT.connectFailInSyscall,
};

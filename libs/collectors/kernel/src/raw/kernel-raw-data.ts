import { OwnerReference } from '@tapio/domain';
import { z } from 'zod';

/** RawEvent.type values of source `kernel`. */
export const KERNEL_RAW_TYPES = ['process_exec', 'process_exit', 'oom_victim', 'tcp_close', 'tcp_retransmits', 'connect_error'] as const;
export const KernelRawType = z.enum(KERNEL_RAW_TYPES);
export type KernelRawType = z.infer<typeof KernelRawType>;

export const RawProcess = z.object({
  pid: z.number().int().nonnegative(),
  tid: z.number().int().nonnegative(),
  ppid: z.number().int().nonnegative(),
  uid: z.number().int().nonnegative(),
  comm: z.string(),
});
export type RawProcess = z.infer<typeof RawProcess>;

export const RawPod = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  uid: z.string().min(1),
  labels: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(OwnerReference).optional(),
});
export type RawPod = z.infer<typeof RawPod>;

/** Where the event happened: a pod (resolved through the Kubernetes index, or only its uid) or the host. */
export const RawWorkload = z.object({
  kind: z.enum(['pod', 'host']),
  /** cgroup v2 id (decimal; u64). */
  cgroupId: z.string(),
  memcgId: z.string().optional(),
  cgroupPath: z.string().optional(),
  memoryCgroupPath: z.string().optional(),
  podUid: z.string().optional(),
  containerId: z.string().optional(),
  container: z.string().optional(),
  qosClass: z.string().optional(),
  systemdUnit: z.string().optional(),
  pod: RawPod.optional(),
});
export type RawWorkload = z.infer<typeof RawWorkload>;

export const RawSocket = z.object({
  protocol: z.literal('TCP'),
  family: z.enum(['ipv4', 'ipv6']),
  srcIp: z.string().optional(),
  srcPort: z.number().int().min(0).max(65535).optional(),
  dstIp: z.string(),
  dstPort: z.number().int().min(0).max(65535),
  /** The pod behind the destination address, when the Kubernetes index knows it. */
  peer: RawPod.optional(),
});
export type RawSocket = z.infer<typeof RawSocket>;

const common = {
  node: z.string().min(1),
  /** CLOCK_BOOTTIME of the kernel event, ns (decimal). */
  bootNs: z.string(),
  workload: RawWorkload,
};

export const ExecData = z.object({ ...common, process: RawProcess, filename: z.string(), oldPid: z.number().int() });
export const ExitData = z.object({
  ...common,
  process: RawProcess,
  exitCode: z.number().int().min(0).max(255),
  signal: z.number().int().min(0).max(127),
  signalName: z.string().optional(),
  coreDumped: z.boolean(),
  /** Seconds the process ran. */
  lifetimeSeconds: z.number().nonnegative().optional(),
  /** Who generated the fatal signal, when the kernel reported it. */
  signalSender: z.object({ pid: z.number().int().nonnegative(), comm: z.string(), code: z.string(), cgroupId: z.string() }).optional(),
});
export const OomData = z.object({
  ...common,
  process: RawProcess,
  rssBytes: z.number().nonnegative(),
  anonRssBytes: z.number().nonnegative(),
  fileRssBytes: z.number().nonnegative(),
  shmemRssBytes: z.number().nonnegative(),
  totalVmBytes: z.number().nonnegative(),
  oomScoreAdj: z.number().int(),
  trigger: z.object({ pid: z.number().int().nonnegative(), comm: z.string() }),
});
export const TcpCloseData = z.object({
  ...common,
  process: RawProcess.optional(),
  socket: RawSocket,
  errno: z.number().int().positive(),
  errnoName: z.string(),
  oldState: z.string(),
  newState: z.string(),
  /** Milliseconds from connect() to the failure, when the connect was seen. */
  connectMs: z.number().nonnegative().optional(),
});
export const RetransmitData = z.object({
  ...common,
  process: RawProcess.optional(),
  socket: RawSocket,
  retransmits: z.number().int().positive(),
  final: z.boolean(),
  state: z.string(),
  windowSeconds: z.number().nonnegative(),
});
export const ConnectErrorData = z.object({ ...common, process: RawProcess, socket: RawSocket, errno: z.number().int().positive(), errnoName: z.string() });

export type ExecData = z.infer<typeof ExecData>;
export type ExitData = z.infer<typeof ExitData>;
export type OomData = z.infer<typeof OomData>;
export type TcpCloseData = z.infer<typeof TcpCloseData>;
export type RetransmitData = z.infer<typeof RetransmitData>;
export type ConnectErrorData = z.infer<typeof ConnectErrorData>;

export const KERNEL_DATA_SCHEMAS = {
  process_exec: ExecData,
  process_exit: ExitData,
  oom_victim: OomData,
  tcp_close: TcpCloseData,
  tcp_retransmits: RetransmitData,
  connect_error: ConnectErrorData,
} as const satisfies Record<KernelRawType, z.ZodType>;

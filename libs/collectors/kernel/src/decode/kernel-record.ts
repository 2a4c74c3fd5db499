/** A kernel event as decoded from its ring-buffer record; ids stay bigint (u64). */
export interface ProcessFacts {
  pid: number;
  tid: number;
  ppid: number;
  uid: number;
  comm: string;
}

export interface RecordHeader {
  bootNs: bigint;
  cgroupId: bigint;
  memcgId: bigint;
  /** Absent for socket events the kernel saw without their process (server side, softirq). */
  process?: ProcessFacts;
  flags: number;
}

export interface SocketTuple {
  family: 'ipv4' | 'ipv6';
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
}

export type KernelRecord =
  | { kind: 'exec'; header: RecordHeader; oldPid: number; filename: string }
  | { kind: 'exit'; header: RecordHeader; exitCode: number; signal: number; coreDumped: boolean; startNs: bigint }
  | {
      kind: 'oom';
      header: RecordHeader;
      totalVmPages: bigint;
      anonRssPages: bigint;
      fileRssPages: bigint;
      shmemRssPages: bigint;
      oomScoreAdj: number;
      triggerPid: number;
      triggerComm: string;
    }
  | { kind: 'signal'; header: RecordHeader; signal: number; code: number; result: number; senderPid: number; senderCgroupId: bigint; senderComm: string }
  | { kind: 'tcp_close'; header: RecordHeader; tuple: SocketTuple; skErr: number; oldState: number; newState: number; connectNs: bigint }
  | { kind: 'retransmit'; header: RecordHeader; tuple: SocketTuple; retransmits: number; final: boolean; firstNs: bigint; state: number }
  | { kind: 'connect_error'; header: RecordHeader; tuple: SocketTuple; errno: number };

export type KernelRecordKind = KernelRecord['kind'];

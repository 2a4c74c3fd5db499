import type { KernelRecord } from '../decode/kernel-record.js';
import { signalCodeName } from '../names/signals.js';

type SignalRecord = Extract<KernelRecord, { kind: 'signal' }>;

export interface SignalSender {
  pid: number;
  comm: string;
  code: string;
  cgroupId: string;
}

/**
 * Remembers who generated a fatal signal for a process until that process exits, so
 * the exit can say "killed by SIGKILL from kubelet (pid 812)". Bounded in size and age.
 */
export class SignalMemory {
  private readonly senders = new Map<string, { sender: SignalSender; bootNs: bigint }>();

  constructor(
    private readonly maxEntries = 4096,
    private readonly maxAgeNs = 30_000_000_000n,
  ) {}

  remember(record: SignalRecord): void {
    const target = record.header.process?.pid;
    if (target === undefined) return;
    const key = `${target}:${record.signal}`;
    this.senders.delete(key);
    this.senders.set(key, {
      sender: { pid: record.senderPid, comm: record.senderComm, code: signalCodeName(record.code), cgroupId: record.senderCgroupId.toString() },
      bootNs: record.header.bootNs,
    });
    if (this.senders.size > this.maxEntries) {
      const oldest = this.senders.keys().next().value;
      if (oldest !== undefined) this.senders.delete(oldest);
    }
  }

  /** The sender of `signal` to `pid`, if it was generated recently; forgotten once taken. */
  take(pid: number, signal: number, exitBootNs: bigint): SignalSender | undefined {
    const key = `${pid}:${signal}`;
    const entry = this.senders.get(key);
    if (!entry) return undefined;
    this.senders.delete(key);
    return exitBootNs - entry.bootNs <= this.maxAgeNs ? entry.sender : undefined;
  }

  get size(): number {
    return this.senders.size;
  }
}

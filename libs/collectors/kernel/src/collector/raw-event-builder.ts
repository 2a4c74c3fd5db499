import type { KubeIndex, PodIdentity, RawEvent } from '@tapio/domain';
import type { Attribution, BootClock } from '@tapio/ebpf-native';
import type { KernelRecord, ProcessFacts, SocketTuple } from '../decode/kernel-record.js';
import { errnoName } from '../names/errno.js';
import { signalName } from '../names/signals.js';
import { tcpStateName } from '../names/tcp-states.js';
import type { KernelRawType, RawPod, RawProcess, RawSocket, RawWorkload } from '../raw/kernel-raw-data.js';
import type { SignalSender } from './signal-memory.js';

export interface RawEventBuilderDeps {
  node: string;
  clock: BootClock;
  pageSize: number;
  kubeIndex?: KubeIndex;
}

function rawPod(pod: PodIdentity): RawPod {
  return {
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    ...(pod.labels ? { labels: pod.labels } : {}),
    ...(pod.ownerReferences ? { ownerReferences: pod.ownerReferences } : {}),
  };
}

function rawProcess(process: ProcessFacts): RawProcess {
  return { pid: process.pid, tid: process.tid, ppid: process.ppid, uid: process.uid, comm: process.comm };
}

export function rawWorkload(attribution: Attribution, cgroupId: bigint, memcgId: bigint): RawWorkload {
  const workload: RawWorkload = { kind: attribution.kind, cgroupId: cgroupId.toString() };
  if (memcgId !== 0n) workload.memcgId = memcgId.toString();
  if (attribution.cgroupPath) workload.cgroupPath = attribution.cgroupPath;
  if (attribution.memoryCgroupPath) workload.memoryCgroupPath = attribution.memoryCgroupPath;
  if (attribution.podUid) workload.podUid = attribution.podUid;
  if (attribution.containerId) workload.containerId = attribution.containerId;
  if (attribution.containerName) workload.container = attribution.containerName;
  if (attribution.qosClass) workload.qosClass = attribution.qosClass;
  if (attribution.systemdUnit) workload.systemdUnit = attribution.systemdUnit;
  if (attribution.pod) workload.pod = rawPod(attribution.pod);
  return workload;
}

/** Turns a decoded, attributed kernel record into the RawEvent the collector emits. */
export class RawEventBuilder {
  constructor(private readonly deps: RawEventBuilderDeps) {}

  build(record: Exclude<KernelRecord, { kind: 'signal' }>, workload: RawWorkload, sender?: SignalSender): RawEvent {
    const header = record.header;
    // Plain assignments, no spreads: this runs for every kernel event.
    const make = (type: KernelRawType, data: Record<string, unknown>): RawEvent => {
      data['node'] = this.deps.node;
      data['bootNs'] = header.bootNs.toString();
      data['workload'] = workload;
      if (header.process) data['process'] = rawProcess(header.process);
      return { timestamp: this.deps.clock.toIso(header.bootNs), type, source: 'kernel', data, metadata: { node: this.deps.node } };
    };
    const pages = (count: bigint): number => Number(count) * this.deps.pageSize;

    switch (record.kind) {
      case 'exec':
        return make('process_exec', { filename: record.filename, oldPid: record.oldPid });
      case 'exit':
        return make('process_exit', {
          exitCode: record.exitCode,
          signal: record.signal,
          ...(record.signal ? { signalName: signalName(record.signal) } : {}),
          coreDumped: record.coreDumped,
          ...(record.startNs > 0n && record.startNs <= header.bootNs ? { lifetimeSeconds: Number(header.bootNs - record.startNs) / 1e9 } : {}),
          ...(sender ? { signalSender: sender } : {}),
        });
      case 'oom':
        return make('oom_victim', {
          rssBytes: pages(record.anonRssPages + record.fileRssPages + record.shmemRssPages),
          anonRssBytes: pages(record.anonRssPages),
          fileRssBytes: pages(record.fileRssPages),
          shmemRssBytes: pages(record.shmemRssPages),
          totalVmBytes: pages(record.totalVmPages),
          oomScoreAdj: record.oomScoreAdj,
          trigger: { pid: record.triggerPid, comm: record.triggerComm },
        });
      case 'tcp_close':
        return make('tcp_close', {
          socket: this.socket(record.tuple),
          errno: record.skErr,
          errnoName: errnoName(record.skErr),
          oldState: tcpStateName(record.oldState),
          newState: tcpStateName(record.newState),
          ...(record.connectNs > 0n && record.connectNs <= header.bootNs ? { connectMs: Number(header.bootNs - record.connectNs) / 1e6 } : {}),
        });
      case 'retransmit':
        return make('tcp_retransmits', {
          socket: this.socket(record.tuple),
          retransmits: record.retransmits,
          final: record.final,
          state: tcpStateName(record.state),
          windowSeconds: record.firstNs > 0n && record.firstNs <= header.bootNs ? Number(header.bootNs - record.firstNs) / 1e9 : 0,
        });
      case 'connect_error':
        return make('connect_error', { socket: this.socket(record.tuple), errno: record.errno, errnoName: errnoName(record.errno) });
    }
  }

  private socket(tuple: SocketTuple): RawSocket {
    const socket: RawSocket = { protocol: 'TCP', family: tuple.family, dstIp: tuple.dstIp, dstPort: tuple.dstPort };
    if (tuple.srcPort !== 0) socket.srcPort = tuple.srcPort;
    if (tuple.srcIp !== '0.0.0.0' && tuple.srcIp !== '::') socket.srcIp = tuple.srcIp;
    const peer = this.deps.kubeIndex?.podByIp(tuple.dstIp);
    if (peer) socket.peer = rawPod(peer);
    return socket;
  }
}

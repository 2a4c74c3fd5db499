import { entityKey, makeUnifiedEvent, type EventType, type NetworkData, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/domain';
import { ERRNO } from '../names/errno.js';
import { CRASH_SIGNALS } from '../names/signals.js';
import { KernelRawType, KERNEL_DATA_SCHEMAS, type ConnectErrorData, type ExecData, type ExitData, type OomData, type RetransmitData, type TcpCloseData } from '../raw/kernel-raw-data.js';
import { podEntity, subjectOf } from './subject.js';

const MiB = 1024 * 1024;

function connectFailureType(errno: number, wasConnecting: boolean): EventType {
  if (errno === ERRNO.ECONNREFUSED) return 'connection_refused';
  if (errno === ERRNO.ETIMEDOUT) return 'connection_timeout';
  if (errno === ERRNO.ENETUNREACH || errno === ERRNO.EHOSTUNREACH) return 'network_unreachable';
  if (errno === ERRNO.ECONNRESET || errno === ERRNO.EPIPE) return wasConnecting ? 'connection_refused' : 'connection_reset';
  return 'connection_failed';
}

const PHRASE: Partial<Record<EventType, string>> = {
  connection_refused: 'connection refused',
  connection_timeout: 'connection timed out',
  connection_reset: 'connection reset by peer',
  network_unreachable: 'network unreachable',
  connection_failed: 'connection failed',
};

/**
 * RawEvents of source `kernel` -> UnifiedEvents: oom_kill, process_exit,
 * process_crashed, connection_refused / _timeout / _reset, network_unreachable,
 * tcp_retransmits_high and (when captured) process_exec, with kernel and network data.
 */
export class KernelTransformer implements RawEventTransformer {
  readonly sources = ['kernel'] as const;

  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    const type = KernelRawType.safeParse(raw.type);
    if (!type.success) throw new Error(`kernel RawEvent of unknown type "${raw.type}" (expected one of ${KernelRawType.options.join(', ')})`);
    const parsed = KERNEL_DATA_SCHEMAS[type.data].safeParse(raw.data);
    if (!parsed.success) throw new Error(`kernel RawEvent "${raw.type}" has invalid data: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
    switch (type.data) {
      case 'oom_victim':
        return [this.oom(raw, context, parsed.data as OomData)];
      case 'process_exit':
        return [this.exit(raw, context, parsed.data as ExitData)];
      case 'process_exec':
        return [this.exec(raw, context, parsed.data as ExecData)];
      case 'tcp_close':
        return [this.tcpClose(raw, context, parsed.data as TcpCloseData)];
      case 'connect_error':
        return [this.connectError(raw, context, parsed.data as ConnectErrorData)];
      case 'tcp_retransmits':
        return [this.retransmits(raw, context, parsed.data as RetransmitData)];
    }
  }

  private oom(raw: RawEvent, context: TransformContext, data: OomData): UnifiedEvent {
    const subject = subjectOf(data.workload, data.process, data.node, context);
    const message = `OOM killer killed ${data.process.comm} (pid ${data.process.pid}) in ${subject.label}: rss ${(data.rssBytes / MiB).toFixed(1)} MiB${data.workload.memoryCgroupPath ? `, memory cgroup ${data.workload.memoryCgroupPath}` : ''}`;
    return makeUnifiedEvent(raw, context, 'oom_kill', 'oom_kill', {
      message,
      entity: subject.entity,
      ...(subject.k8sContext ? { k8sContext: subject.k8sContext } : {}),
      kernel: { ...subject.kernel, rssBytes: data.rssBytes, ...(data.workload.memoryCgroupPath ? { memoryCgroup: data.workload.memoryCgroupPath } : {}), signal: 9, signalName: 'SIGKILL' },
      metrics: { rss_bytes: data.rssBytes, anon_rss_bytes: data.anonRssBytes, file_rss_bytes: data.fileRssBytes, shmem_rss_bytes: data.shmemRssBytes, total_vm_bytes: data.totalVmBytes, oom_score_adj: data.oomScoreAdj },
      correlationHints: subject.correlationHints,
      annotations: { trigger_pid: String(data.trigger.pid), trigger_comm: data.trigger.comm },
    });
  }

  private exit(raw: RawEvent, context: TransformContext, data: ExitData): UnifiedEvent {
    const subject = subjectOf(data.workload, data.process, data.node, context);
    const crashed = data.signal !== 0 && CRASH_SIGNALS.has(data.signal);
    const who = `${data.process.comm} (pid ${data.process.pid}) in ${subject.label}`;
    const sender = data.signalSender && data.signalSender.pid !== data.process.pid ? ` from ${data.signalSender.comm} (pid ${data.signalSender.pid})` : '';
    const message = data.signal !== 0
      ? `${who} ${crashed ? 'crashed' : 'was killed'}: ${data.signalName ?? `signal ${data.signal}`}${sender}${data.coreDumped ? ', core dumped' : ''}`
      : `${who} exited with code ${data.exitCode}`;
    const type: EventType = crashed ? 'process_crashed' : 'process_exit';
    const kernel = { ...subject.kernel, exitCode: data.exitCode, ...(data.signal !== 0 ? { signal: data.signal, signalName: data.signalName } : {}) };
    const annotations: Record<string, string> = { core_dumped: String(data.coreDumped) };
    if (data.signalSender) Object.assign(annotations, { signal_sender_pid: String(data.signalSender.pid), signal_sender_comm: data.signalSender.comm, signal_code: data.signalSender.code });
    return makeUnifiedEvent(raw, context, type, type, {
      message,
      // A kill by someone (SIGKILL, SIGTERM) matters more than a non-zero exit code.
      ...(type === 'process_exit' ? { severity: data.signal !== 0 ? 'medium' : 'low' } : {}),
      entity: subject.entity,
      ...(subject.k8sContext ? { k8sContext: subject.k8sContext } : {}),
      kernel,
      ...(data.lifetimeSeconds !== undefined ? { metrics: { lifetime_seconds: data.lifetimeSeconds } } : {}),
      correlationHints: subject.correlationHints,
      annotations,
    });
  }

  private exec(raw: RawEvent, context: TransformContext, data: ExecData): UnifiedEvent {
    const subject = subjectOf(data.workload, data.process, data.node, context);
    return makeUnifiedEvent(raw, context, 'process_exec', 'process_exec', {
      message: `${subject.label} started ${data.filename} (pid ${data.process.pid})`,
      entity: subject.entity,
      ...(subject.k8sContext ? { k8sContext: subject.k8sContext } : {}),
      kernel: { ...subject.kernel, filename: data.filename },
      correlationHints: subject.correlationHints,
    });
  }

  private network(data: TcpCloseData | ConnectErrorData | RetransmitData): NetworkData {
    const socket = data.socket;
    const network: NetworkData = { protocol: 'TCP', dstIp: socket.dstIp, dstPort: socket.dstPort };
    if (socket.srcIp) network.srcIp = socket.srcIp;
    if (socket.srcPort !== undefined) network.srcPort = socket.srcPort;
    if (socket.peer) network.dstService = `${socket.peer.namespace}/${socket.peer.name}`;
    return network;
  }

  private peerHints(data: TcpCloseData | ConnectErrorData | RetransmitData, context: TransformContext, hints: string[]): string[] {
    return data.socket.peer ? [...hints, entityKey(podEntity(data.socket.peer, context.cluster))] : hints;
  }

  private connectionEvent(raw: RawEvent, context: TransformContext, data: TcpCloseData | ConnectErrorData, type: EventType, state: string, extra: NetworkData): UnifiedEvent {
    const subject = subjectOf(data.workload, data.process, data.node, context);
    const by = data.process ? `${data.process.comm} (pid ${data.process.pid}) in ${subject.label}` : subject.label;
    const target = `${data.socket.dstIp.includes(':') ? `[${data.socket.dstIp}]` : data.socket.dstIp}:${data.socket.dstPort}${data.socket.peer ? ` (pod ${data.socket.peer.namespace}/${data.socket.peer.name})` : ''}`;
    return makeUnifiedEvent(raw, context, type, type, {
      message: `${PHRASE[type] ?? type}: ${by} -> ${target} (${data.errnoName})`,
      entity: subject.entity,
      ...(subject.k8sContext ? { k8sContext: subject.k8sContext } : {}),
      kernel: subject.kernel,
      network: { ...this.network(data), state, errno: data.errno, errnoName: data.errnoName, ...extra },
      correlationHints: this.peerHints(data, context, subject.correlationHints),
    });
  }

  private tcpClose(raw: RawEvent, context: TransformContext, data: TcpCloseData): UnifiedEvent {
    const connecting = data.oldState === 'SYN_SENT';
    const type = connectFailureType(data.errno, connecting);
    return this.connectionEvent(raw, context, data, type, `${data.oldState}->${data.newState}`, {});
  }

  private connectError(raw: RawEvent, context: TransformContext, data: ConnectErrorData): UnifiedEvent {
    return this.connectionEvent(raw, context, data, connectFailureType(data.errno, true), 'connect()', {});
  }

  private retransmits(raw: RawEvent, context: TransformContext, data: RetransmitData): UnifiedEvent {
    const subject = subjectOf(data.workload, data.process, data.node, context);
    const by = data.process ? `${data.process.comm} (pid ${data.process.pid}) in ${subject.label}` : subject.label;
    const message = `${data.retransmits} TCP retransmissions in ${data.windowSeconds.toFixed(1)} s on ${by} -> ${data.socket.dstIp}:${data.socket.dstPort}${data.final ? ' (connection closed)' : ''}`;
    return makeUnifiedEvent(raw, context, 'tcp_retransmits_high', `tcp_retransmits_high:${data.retransmits}:${data.final}`, {
      message,
      entity: subject.entity,
      ...(subject.k8sContext ? { k8sContext: subject.k8sContext } : {}),
      kernel: subject.kernel,
      network: { ...this.network(data), state: data.state, retransmits: data.retransmits },
      metrics: { retransmits: data.retransmits, window_seconds: data.windowSeconds },
      correlationHints: this.peerHints(data, context, subject.correlationHints),
    });
  }
}

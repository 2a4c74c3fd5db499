import { formatAddress, ADDRESS_FAMILY } from '@tapio/ebpf-native';
import type { KernelRecord, RecordHeader, SocketTuple } from './kernel-record.js';
import {
  CONNECT_ERROR_EVENT,
  EVENT_HEADER,
  EVENT_KIND,
  EXEC_EVENT,
  EXIT_EVENT,
  OOM_EVENT,
  RETRANSMIT_EVENT,
  SIGNAL_EVENT,
  SOCK_TUPLE,
  TCP_CLOSE_EVENT,
} from './kernel-layouts.js';
import { RecordReader, type StructLayout } from '@tapio/ebpf-native';

/** A ring-buffer record that does not match the layout it claims. */
export class KernelDecodeError extends Error {
  constructor(message: string) {
    super(`kernel event record: ${message}`);
    this.name = 'KernelDecodeError';
  }
}

const LAYOUT_BY_KIND = new Map<number, StructLayout>([
  [EVENT_KIND.exec, EXEC_EVENT],
  [EVENT_KIND.exit, EXIT_EVENT],
  [EVENT_KIND.oom, OOM_EVENT],
  [EVENT_KIND.signal, SIGNAL_EVENT],
  [EVENT_KIND.tcpClose, TCP_CLOSE_EVENT],
  [EVENT_KIND.retransmit, RETRANSMIT_EVENT],
  [EVENT_KIND.connectError, CONNECT_ERROR_EVENT],
]);

function decodeHeader(reader: RecordReader, withProcess: boolean): RecordHeader {
  const f = EVENT_HEADER.fields;
  const header: RecordHeader = {
    bootNs: reader.u64(f.ts_ns),
    cgroupId: reader.u64(f.cgroup_id),
    memcgId: reader.u64(f.memcg_id),
    flags: reader.u32(f.flags),
  };
  if (withProcess) {
    header.process = { pid: reader.u32(f.pid), tid: reader.u32(f.tid), ppid: reader.u32(f.ppid), uid: reader.u32(f.uid), comm: reader.cString(f.comm) };
  }
  return header;
}

function decodeTuple(reader: RecordReader): SocketTuple {
  const f = SOCK_TUPLE.fields;
  const family = reader.u16(f.family);
  if (family !== ADDRESS_FAMILY.inet && family !== ADDRESS_FAMILY.inet6) throw new KernelDecodeError(`address family ${family} is neither AF_INET nor AF_INET6`);
  return {
    family: family === ADDRESS_FAMILY.inet ? 'ipv4' : 'ipv6',
    srcIp: formatAddress(family, reader.raw(f.saddr)),
    srcPort: reader.u16(f.sport),
    dstIp: formatAddress(family, reader.raw(f.daddr)),
    dstPort: reader.u16(f.dport),
  };
}

function inRange(value: number, min: number, max: number, what: string): number {
  if (value < min || value > max) throw new KernelDecodeError(`${what} ${value} outside ${min}..${max}`);
  return value;
}

/** Decodes and validates one record from the kernel probe set's ring buffer. */
export function decodeKernelRecord(bytes: Buffer): KernelRecord {
  if (bytes.length < EVENT_HEADER.size) throw new KernelDecodeError(`${bytes.length} bytes, shorter than the ${EVENT_HEADER.size}-byte header`);
  const reader = new RecordReader(bytes);
  const kind = reader.u32(EVENT_HEADER.fields.kind);
  const layout = LAYOUT_BY_KIND.get(kind);
  if (!layout) throw new KernelDecodeError(`unknown event kind ${kind}`);
  if (bytes.length !== layout.size) throw new KernelDecodeError(`${layout.name} is ${layout.size} bytes, record has ${bytes.length}`);

  switch (kind) {
    case EVENT_KIND.exec: {
      const f = EXEC_EVENT.fields;
      const length = inRange(reader.u32(f.filename_len), 0, f.filename.size - 1, 'filename length');
      return { kind: 'exec', header: decodeHeader(reader, true), oldPid: reader.u32(f.old_pid), filename: reader.raw(f.filename).subarray(0, length).toString('utf8') };
    }
    case EVENT_KIND.exit: {
      const f = EXIT_EVENT.fields;
      return {
        kind: 'exit',
        header: decodeHeader(reader, true),
        exitCode: inRange(reader.s32(f.exit_code), 0, 255, 'exit code'),
        signal: inRange(reader.u32(f.signal), 0, 127, 'signal'),
        coreDumped: reader.u32(f.core_dumped) !== 0,
        startNs: reader.u64(f.start_ns),
      };
    }
    case EVENT_KIND.oom: {
      const f = OOM_EVENT.fields;
      return {
        kind: 'oom',
        header: decodeHeader(reader, true),
        totalVmPages: reader.u64(f.total_vm_pages),
        anonRssPages: reader.u64(f.anon_rss_pages),
        fileRssPages: reader.u64(f.file_rss_pages),
        shmemRssPages: reader.u64(f.shmem_rss_pages),
        oomScoreAdj: inRange(reader.s32(f.oom_score_adj), -1000, 1000, 'oom_score_adj'),
        triggerPid: reader.u32(f.trigger_pid),
        triggerComm: reader.cString(f.trigger_comm),
      };
    }
    case EVENT_KIND.signal: {
      const f = SIGNAL_EVENT.fields;
      return {
        kind: 'signal',
        header: decodeHeader(reader, true),
        signal: inRange(reader.s32(f.sig), 1, 64, 'signal'),
        code: reader.s32(f.code),
        result: reader.s32(f.result),
        senderPid: reader.u32(f.sender_pid),
        senderCgroupId: reader.u64(f.sender_cgroup_id),
        senderComm: reader.cString(f.sender_comm),
      };
    }
    case EVENT_KIND.tcpClose: {
      const f = TCP_CLOSE_EVENT.fields;
      const header = decodeHeader(reader, false);
      if (header.flags === 1) Object.assign(header, { process: decodeHeader(reader, true).process });
      return {
        kind: 'tcp_close',
        header,
        tuple: decodeTuple(reader.at(f.tuple.offset)),
        skErr: inRange(reader.s32(f.sk_err), 0, 4095, 'socket error'),
        oldState: inRange(reader.u16(f.oldstate), 1, 12, 'TCP state'),
        newState: inRange(reader.u16(f.newstate), 1, 12, 'TCP state'),
        connectNs: reader.u64(f.connect_ns),
      };
    }
    case EVENT_KIND.retransmit: {
      const f = RETRANSMIT_EVENT.fields;
      const header = decodeHeader(reader, false);
      if (header.flags === 1) Object.assign(header, { process: decodeHeader(reader, true).process });
      return {
        kind: 'retransmit',
        header,
        tuple: decodeTuple(reader.at(f.tuple.offset)),
        retransmits: reader.u32(f.retransmits),
        final: reader.u32(f.final) !== 0,
        firstNs: reader.u64(f.first_ns),
        state: reader.s32(f.state),
      };
    }
    default: {
      const f = CONNECT_ERROR_EVENT.fields;
      return {
        kind: 'connect_error',
        header: decodeHeader(reader, true),
        tuple: decodeTuple(reader.at(f.tuple.offset)),
        errno: inRange(reader.s32(f.err), 1, 4095, 'errno'),
      };
    }
  }
}

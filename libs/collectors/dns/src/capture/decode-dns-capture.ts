import { formatAddress, RecordReader } from '@tapio/ebpf-native';
import { DNS_DIRECTION, DNS_EVENT } from './dns-capture-layout.js';

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

/** One captured DNS packet (transport payload, possibly cut at the capture size). */
export interface DnsCapture {
  bootNs: bigint;
  cgroupId: bigint;
  socketCookie: bigint;
  direction: 'query' | 'response';
  protocol: 'udp' | 'tcp';
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  tcpSeq: number;
  payloadLength: number;
  payload: Buffer;
}

export class DnsCaptureDecodeError extends Error {
  constructor(message: string) {
    super(`DNS capture record: ${message}`);
    this.name = 'DnsCaptureDecodeError';
  }
}

export function decodeDnsCapture(bytes: Buffer): DnsCapture {
  if (bytes.length !== DNS_EVENT.size) throw new DnsCaptureDecodeError(`${DNS_EVENT.name} is ${DNS_EVENT.size} bytes, record has ${bytes.length}`);
  const reader = new RecordReader(bytes);
  const f = DNS_EVENT.fields;
  const direction = reader.u32(f.direction);
  if (direction !== DNS_DIRECTION.query && direction !== DNS_DIRECTION.response) throw new DnsCaptureDecodeError(`direction ${direction}`);
  const protocol = bytes.readUInt8(f.protocol.offset);
  if (protocol !== IPPROTO_UDP && protocol !== IPPROTO_TCP) throw new DnsCaptureDecodeError(`protocol ${protocol} is neither UDP nor TCP`);
  const family = bytes.readUInt8(f.family.offset);
  if (family !== 4 && family !== 6) throw new DnsCaptureDecodeError(`IP version ${family}`);
  const captured = reader.u16(f.captured_len);
  if (captured > f.payload.size) throw new DnsCaptureDecodeError(`captured length ${captured} exceeds ${f.payload.size}`);
  const payloadLength = reader.u32(f.payload_len);
  if (captured > payloadLength) throw new DnsCaptureDecodeError(`captured ${captured} of a ${payloadLength}-byte payload`);
  return {
    bootNs: reader.u64(f.ts_ns),
    cgroupId: reader.u64(f.cgroup_id),
    socketCookie: reader.u64(f.socket_cookie),
    direction: direction === DNS_DIRECTION.query ? 'query' : 'response',
    protocol: protocol === IPPROTO_UDP ? 'udp' : 'tcp',
    srcIp: formatAddress(family, reader.raw(f.saddr)),
    srcPort: reader.u16(f.sport),
    dstIp: formatAddress(family, reader.raw(f.daddr)),
    dstPort: reader.u16(f.dport),
    tcpSeq: reader.u32(f.tcp_seq),
    payloadLength,
    payload: Buffer.from(reader.raw(f.payload).subarray(0, captured)),
  };
}

import { describe, expect, it } from 'vitest';
import { decodeKernelRecord, KernelDecodeError } from './decode-kernel-record.js';
import { CONNECT_ERROR_EVENT, EVENT_HEADER, EVENT_KIND, EXIT_EVENT, SOCK_TUPLE } from './kernel-layouts.js';

function header(kind: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  bytes.writeBigUInt64LE(123_456_789n, EVENT_HEADER.fields.ts_ns.offset);
  bytes.writeBigUInt64LE(42n, EVENT_HEADER.fields.cgroup_id.offset);
  bytes.writeUInt32LE(kind, EVENT_HEADER.fields.kind.offset);
  bytes.writeUInt32LE(1234, EVENT_HEADER.fields.pid.offset);
  bytes.writeUInt32LE(1235, EVENT_HEADER.fields.tid.offset);
  bytes.write('worker', EVENT_HEADER.fields.comm.offset);
  return bytes;
}

describe('decodeKernelRecord', () => {
  it('decodes an exit record field by field', () => {
    const bytes = header(EVENT_KIND.exit, EXIT_EVENT.size);
    bytes.writeInt32LE(0, EXIT_EVENT.fields.exit_code.offset);
    bytes.writeUInt32LE(11, EXIT_EVENT.fields.signal.offset);
    bytes.writeUInt32LE(1, EXIT_EVENT.fields.core_dumped.offset);
    const record = decodeKernelRecord(bytes);
    expect(record).toMatchObject({ kind: 'exit', signal: 11, coreDumped: true, header: { bootNs: 123_456_789n, cgroupId: 42n, process: { pid: 1234, tid: 1235, comm: 'worker' } } });
  });

  it('decodes addresses and host-order ports of a connect error', () => {
    const bytes = header(EVENT_KIND.connectError, CONNECT_ERROR_EVENT.size);
    const tuple = CONNECT_ERROR_EVENT.fields.tuple.offset;
    bytes.writeUInt16LE(10, tuple + SOCK_TUPLE.fields.family.offset);
    bytes.writeUInt16LE(8443, tuple + SOCK_TUPLE.fields.dport.offset);
    Buffer.from('fd000000000000000000000000000001', 'hex').copy(bytes, tuple + SOCK_TUPLE.fields.daddr.offset);
    bytes.writeInt32LE(111, CONNECT_ERROR_EVENT.fields.err.offset);
    expect(decodeKernelRecord(bytes)).toMatchObject({ kind: 'connect_error', errno: 111, tuple: { family: 'ipv6', dstIp: 'fd00::1', dstPort: 8443 } });
  });

  it('rejects records that do not match their layout', () => {
    expect(() => decodeKernelRecord(Buffer.alloc(10))).toThrow(KernelDecodeError);
    expect(() => decodeKernelRecord(header(99, 64))).toThrow(/unknown event kind 99/);
    expect(() => decodeKernelRecord(header(EVENT_KIND.exit, EXIT_EVENT.size - 8))).toThrow(/tapio_exit_event is 88 bytes, record has 80/);
    const badFamily = header(EVENT_KIND.connectError, CONNECT_ERROR_EVENT.size);
    badFamily.writeInt32LE(111, CONNECT_ERROR_EVENT.fields.err.offset);
    expect(() => decodeKernelRecord(badFamily)).toThrow(/address family 0/);
  });
});

import { loadAddon, type NativeSession, type NativeSessionOptions } from './addon.js';

export type ProbeSetName = 'kernel' | 'dns';

/** Called on the JavaScript thread with each raw event record (a view into the batch). */
export type RecordHandler = (record: Buffer) => void;

/** Per-CPU counters of a probe set: `perCpu[slot][cpu]`, and per-slot totals. */
export interface ProbeCounters {
  cpus: number;
  perCpu: bigint[][];
  total(slot: number): bigint;
}

export interface ProbeSessionHandlers {
  onRecord: RecordHandler;
  /** A batch was delivered (after its records). */
  onBatch?: (records: number) => void;
  /** The drain thread stopped on an error (errno); the probes are detached. */
  onFailure?: (errno: number) => void;
}

/**
 * A loaded, attached probe set whose ring buffer is drained off the JavaScript thread.
 * Records arrive in batches; this splits a batch into its records (the only framing the
 * addon adds) and leaves decoding to the caller.
 */
export class ProbeSession {
  private readonly native: NativeSession;
  private stopped: Promise<void> | undefined;

  private constructor(native: NativeSession) {
    this.native = native;
  }

  static open(probeSet: ProbeSetName, options: NativeSessionOptions, handlers: ProbeSessionHandlers): ProbeSession {
    const addon = loadAddon();
    const native = new addon.Session(probeSet, options, (batch, records, errno) => {
      splitBatch(batch, handlers.onRecord);
      handlers.onBatch?.(records);
      if (errno !== 0) handlers.onFailure?.(errno);
    });
    return new ProbeSession(native);
  }

  running(): boolean {
    return this.native.running();
  }

  counters(): ProbeCounters {
    const { cpus, slots, values } = this.native.counters();
    const perCpu: bigint[][] = [];
    for (let slot = 0; slot < slots; slot++) perCpu.push(Array.from(values.subarray(slot * cpus, (slot + 1) * cpus)));
    return { cpus, perCpu, total: (slot) => (perCpu[slot] ?? []).reduce((sum, value) => sum + value, 0n) };
  }

  /** Delivers what the kernel already wrote, then detaches every program. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= this.native.stop();
    return this.stopped;
  }
}

/** Batch framing (addon/session.h): [u32 length][u32 reserved][bytes][pad to 8]. */
export function splitBatch(batch: Buffer, onRecord: RecordHandler): number {
  let offset = 0;
  let count = 0;
  while (offset + 8 <= batch.length) {
    const length = batch.readUInt32LE(offset);
    const start = offset + 8;
    if (start + length > batch.length) throw new Error(`eBPF batch framing broken at byte ${offset}: record of ${length} bytes overruns ${batch.length}`);
    onRecord(batch.subarray(start, start + length));
    count++;
    offset = start + ((length + 7) & ~7);
  }
  return count;
}

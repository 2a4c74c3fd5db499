import { z } from 'zod';
import { DEFAULT_REPORTED_SIGNALS } from '../names/signals.js';

/** The kernel collector's section of tapio.yaml. */
export const KernelCollectorConfig = z
  .object({
    /** Node name stamped on events; defaults to NODE_NAME, then the host name. */
    nodeName: z.string().min(1).optional(),
    /** Send every exec as a `process_exec` event (otherwise execs are only counted in the kernel). */
    captureExec: z.boolean().default(false),
    /** Report exits with a non-zero code (clean exits are always only counted). */
    reportNonZeroExit: z.boolean().default(true),
    /** Signals whose generation is recorded, to name who killed a process. */
    fatalSignals: z.array(z.number().int().min(1).max(63)).default([...DEFAULT_REPORTED_SIGNALS]),
    /** Retransmissions on one connection before it is reported (then at each doubling, and at close). */
    retransmitThreshold: z.number().int().min(1).default(3),
    /** Longest a decoded event waits in the ring buffer without a wake-up (ms). */
    pollMs: z.number().int().min(1).max(1000).default(100),
    /** Data waiting in the ring buffer that wakes the drain thread at once (bytes). */
    wakeupBytes: z.number().int().min(0).default(64 * 1024),
    /** Events decoded but not yet accepted by the sink; beyond this they are counted as dropped. */
    queueLimit: z.number().int().min(1).default(100_000),
    /** How often the per-CPU kernel counters are published as metrics (ms). */
    countersIntervalMs: z.number().int().min(100).default(5000),
    btfPath: z.string().optional(),
    tracefsPath: z.string().optional(),
    /** Mount tracefs at tracefsPath when it is not mounted. */
    mountTracefs: z.boolean().default(true),
  })
  .strict();
export type KernelCollectorConfig = z.infer<typeof KernelCollectorConfig>;
export type KernelCollectorConfigInput = z.input<typeof KernelCollectorConfig>;

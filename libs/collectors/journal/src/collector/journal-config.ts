import { circuitSettings } from '@tapio/domain';
import { z } from 'zod';

/** The systemd journal collector's section of tapio.yaml. */
export const JournalCollectorConfig = z
  .object({
    /** Node name stamped on events; default NODE_NAME, then the host name. */
    nodeName: z.string().min(1).optional(),
    /**
     * Units whose failures, restarts and OOM kills are reported, as glob patterns (`*`, `?`).
     * The node's Kubernetes services by default; add your own (`etcd.service`, `kube-*.service`).
     */
    units: z.array(z.string().min(1)).min(1).default(['kubelet.service', 'containerd.service', 'crio.service', 'docker.service', 'etcd.service']),
    /** Report the kernel messages that matter (OOM killer, hung tasks, link flaps, filesystem errors). */
    kernel: z.boolean().default(true),
    /**
     * Where the last entry handed to Tapio is remembered, so a restart resumes right after it.
     * Relative paths resolve against tapio.yaml's folder.
     */
    cursorFile: z.string().min(1).default('.tapio/journal.cursor'),
    /** Read this journal directory instead of the system journal (journalctl --directory). */
    directory: z.string().min(1).optional(),
    /** The journalctl binary. */
    journalctl: z.string().min(1).default('journalctl'),
    /** How often the cursor is written while entries flow (ms); it is always written on stop. */
    cursorFlushMs: z.number().int().min(0).default(200),
    /**
     * journald's varlink socket: connecting to it tells whether journald is alive (journalctl
     * keeps following the files when journald is gone, so it cannot tell).
     */
    journaldSocket: z.string().min(1).default('/run/systemd/journal/io.systemd.journal'),
    /** How often journald's socket is probed (ms). */
    healthIntervalMs: z.number().int().min(10).default(5000),
    /** Wait before journalctl is started again after it exited, doubling up to 30 s (ms). */
    retryMs: z.number().int().min(10).default(1000),
    /** The circuit breaker around starting journalctl (collector:journal): starts that failed in a row (it exited within 0.5 s) before none is tried until halfOpenAfterMs passed. */
    circuit: circuitSettings({ failures: 3, halfOpenAfterMs: 30_000 }),
  })
  .strict();
export type JournalCollectorConfig = z.infer<typeof JournalCollectorConfig>;
export type JournalCollectorConfigInput = z.input<typeof JournalCollectorConfig>;

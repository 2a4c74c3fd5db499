import { circuitSettings, z } from '@tapio/plugin-api';

/** The CNI collector's section of tapio.yaml (`collectors.cni`). */
export const CniConfig = z
  .object({
    /** The file tapio-cni-tap appends to (its `spool` in the conflist). */
    spool: z.string().min(1).default('/run/tapio/cni.ndjson'),
    /** Where the read offset is kept, so a restart resumes without losing or repeating a line (relative to tapio.yaml). */
    offsetFile: z.string().min(1).default('.tapio/cni.offset'),
    nodeName: z.string().min(1).optional(),
    /** Stamped on every event, like the kubeapi collector's `cluster`. */
    cluster: z.string().min(1).optional(),
    /** How often the spool is checked for new lines besides file-change notifications. */
    pollMs: z.number().int().min(10).default(1000),
    /** The circuit breaker around the polls (collector:cni): failed polls in a row that leave the spool alone until halfOpenAfterMs passed. */
    circuit: circuitSettings({ failures: 3, halfOpenAfterMs: 10_000 }),
  })
  .strict();
export type CniConfig = z.infer<typeof CniConfig>;
export type CniConfigInput = z.input<typeof CniConfig>;

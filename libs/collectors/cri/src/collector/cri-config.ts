import { circuitSettings } from '@tapio/domain';
import { z } from 'zod';

/** The CRI (containerd) collector's section of tapio.yaml. */
export const CriCollectorConfig = z
  .object({
    nodeName: z.string().min(1).optional(),
    /** containerd's gRPC socket. */
    address: z.string().min(1).default('/run/containerd/containerd.sock'),
    /** containerd namespaces whose events are reported; the kubelet's CRI uses k8s.io. Empty: all. */
    namespaces: z.array(z.string().min(1)).default(['k8s.io']),
    /** Report image create/update/delete events. */
    images: z.boolean().default(true),
    /** Folder holding containerd's API protos (default: the package's proto/, filled at set-up). */
    protoDir: z.string().min(1).optional(),
    /** Wait before reconnecting after containerd went away, doubling up to 30 s (ms). */
    retryMs: z.number().int().min(10).default(1000),
    /** The circuit breaker around subscribing (collector:cri): failed subscriptions in a row that leave containerd alone until halfOpenAfterMs passed. */
    circuit: circuitSettings({ failures: 3, halfOpenAfterMs: 30_000 }),
    /** How many containers' labels are remembered (pod attribution of events after a delete). */
    labelCacheSize: z.number().int().min(16).default(4096),
  })
  .strict();
export type CriCollectorConfig = z.infer<typeof CriCollectorConfig>;
export type CriCollectorConfigInput = z.input<typeof CriCollectorConfig>;

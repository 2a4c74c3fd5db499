import { circuitSettings } from '@tapio/plugin-api';
import { z } from 'zod';

/** The etcd collector's section of tapio.yaml. */
export const EtcdCollectorConfig = z
  .object({
    /** Client URLs of the members to watch; on a control-plane node, its own member. */
    endpoints: z.array(z.url()).min(1).default(['https://127.0.0.1:2379']),
    /** Name of this etcd cluster in events (the entity of leader changes and alarms). */
    clusterName: z.string().min(1).default('etcd'),
    nodeName: z.string().min(1).optional(),
    /** TLS for https endpoints: CA bundle and client certificate/key files (kubeadm: /etc/kubernetes/pki/etcd/...). */
    tls: z.object({ ca: z.string().min(1).optional(), cert: z.string().min(1).optional(), key: z.string().min(1).optional() }).strict().default({}),
    intervalMs: z.number().int().min(50).default(5000),
    requestTimeoutMs: z.number().int().min(50).default(2000),
    /** The circuit breaker around the polls (collector:etcd): failed polls in a row that leave etcd (a poll fails when no member answers) alone until halfOpenAfterMs passed. */
    circuit: circuitSettings({ failures: 3, halfOpenAfterMs: 30_000 }),
    /** Interval p99 of WAL fsync above this is slow (etcd's guidance: under 10 ms). */
    fsyncSlowMs: z.number().min(0).default(50),
    /** Interval p99 of backend commit above this is slow (etcd's guidance: under 25 ms). */
    commitSlowMs: z.number().min(0).default(100),
    /** Database size over this share of its quota is reported (re-armed 5 points below). */
    quotaRatio: z.number().min(0.05).max(1).default(0.8),
  })
  .strict();
export type EtcdCollectorConfig = z.infer<typeof EtcdCollectorConfig>;
export type EtcdCollectorConfigInput = z.input<typeof EtcdCollectorConfig>;

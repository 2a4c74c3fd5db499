import { DEFAULT_CLUSTER } from '@tapio/domain';
import { z } from 'zod';
import { WATCHED_RESOURCE_IDS } from '../informers/watched-resources.js';

/** The collector's section of tapio.yaml. */
export const KubeApiCollectorConfig = z
  .object({
    /** Stamped on every event, so several clusters can feed one Tapio. */
    cluster: z.string().min(1).default(DEFAULT_CLUSTER),
    /** kubeconfig file; absent and not inCluster: $KUBECONFIG or ~/.kube/config. */
    kubeconfig: z.string().min(1).optional(),
    /** kubeconfig context; absent: the file's current-context. */
    context: z.string().min(1).optional(),
    /** Use the pod's service account instead of a kubeconfig. */
    inCluster: z.boolean().default(false),
    namespaces: z
      .object({
        /** Only these namespaces (absent: all). */
        include: z.array(z.string().min(1)).optional(),
        /** Never these namespaces. */
        exclude: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    /** Resource ids to watch (see WATCHED_RESOURCE_IDS); absent: all of them. */
    kinds: z.array(z.enum(WATCHED_RESOURCE_IDS as [string, ...string[]])).min(1).optional(),
    watchTransport: z.enum(['http', 'websocket']).default('http'),
    /** Server-side watch timeout; the watch then resumes from its resourceVersion. */
    watchTimeoutSeconds: z.number().int().min(5).max(3600).default(300),
    listPageSize: z.number().int().min(1).max(10_000).default(500),
    backoff: z
      .object({
        initialMs: z.number().int().min(1).default(500),
        maxMs: z.number().int().min(1).default(30_000),
      })
      .prefault({}),
  })
  .refine((config) => !(config.inCluster && config.kubeconfig !== undefined), {
    message: 'set either inCluster or kubeconfig, not both',
    path: ['inCluster'],
  });
export type KubeApiCollectorConfig = z.infer<typeof KubeApiCollectorConfig>;
export type KubeApiCollectorConfigInput = z.input<typeof KubeApiCollectorConfig>;

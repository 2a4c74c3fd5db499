import { DEFAULT_CLUSTER } from '@tapio/domain';
import { z } from 'zod';
import { WATCHED_RESOURCE_IDS } from '../informers/watched-resources.js';

/**
 * How Secrets are read. `metadata` (the default): metadata only, values never requested.
 * `fingerprints`: whole Secrets, each value replaced at once by HMAC-SHA256 under the
 * installation's key (from `fingerprintKey.file` or the environment variable
 * `fingerprintKey.env`), so a rotation is visible per key without a plain hash anyone
 * could test guesses against.
 */
export const SecretsConfig = z
  .object({
    read: z.enum(['metadata', 'fingerprints']).default('metadata'),
    fingerprintKey: z
      .object({
        /** File holding the key (at least 32 bytes; relative to tapio.yaml). */
        file: z.string().min(1).optional(),
        /** Environment variable holding the key (at least 32 characters). */
        env: z.string().min(1).optional(),
      })
      .strict()
      .refine((key) => (key.file === undefined) !== (key.env === undefined), { message: 'set exactly one of file or env' })
      .optional(),
  })
  .strict()
  .refine((secrets) => secrets.read === 'metadata' || secrets.fingerprintKey !== undefined, {
    message: 'read: fingerprints needs fingerprintKey (file or env): fingerprints are keyed, never plain hashes',
    path: ['fingerprintKey'],
  });
export type SecretsConfig = z.infer<typeof SecretsConfig>;

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
    secrets: SecretsConfig.prefault({}),
  })
  .refine((config) => !(config.inCluster && config.kubeconfig !== undefined), {
    message: 'set either inCluster or kubeconfig, not both',
    path: ['inCluster'],
  });
export type KubeApiCollectorConfig = z.infer<typeof KubeApiCollectorConfig>;
export type KubeApiCollectorConfigInput = z.input<typeof KubeApiCollectorConfig>;

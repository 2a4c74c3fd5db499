import { z } from 'zod';

/** The DNS collector's section of tapio.yaml. */
export const DnsCollectorConfig = z
  .object({
    nodeName: z.string().min(1).optional(),
    /** Ports DNS servers listen on (UDP and TCP); up to 8. */
    ports: z.array(z.number().int().min(1).max(65535)).min(1).max(8).default([53]),
    /** A question unanswered this long is a dns_timeout (ms). */
    timeoutMs: z.number().int().min(50).default(5000),
    /** An answer slower than this is a dns_slow (ms). */
    slowMs: z.number().int().min(1).default(500),
    /**
     * NXDOMAIN for names that are a search-path expansion of an external name
     * ("api.example.com.default.svc.cluster.local") is how resolvers with ndots work, not
     * a failure: not reported. A missing in-cluster name ("cart.shop.svc.cluster.local") is.
     */
    ignoreSearchPathNxdomain: z.boolean().default(true),
    clusterDomain: z.string().min(1).default('cluster.local'),
    pollMs: z.number().int().min(1).max(1000).default(100),
    wakeupBytes: z.number().int().min(0).default(64 * 1024),
    maxPending: z.number().int().min(1).default(50_000),
    queueLimit: z.number().int().min(1).default(100_000),
    btfPath: z.string().optional(),
  })
  .strict();
export type DnsCollectorConfig = z.infer<typeof DnsCollectorConfig>;
export type DnsCollectorConfigInput = z.input<typeof DnsCollectorConfig>;

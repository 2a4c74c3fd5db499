import { Duration } from '@tapio/domain';
import { z } from 'zod';

/** URI schemes that already fix encryption; `encrypted` and `trust` must not be set with them. */
const SECURE_SCHEMES = ['bolt+s', 'bolt+ssc', 'neo4j+s', 'neo4j+ssc'];
const ALL_SCHEMES = ['bolt', 'neo4j', ...SECURE_SCHEMES];

function schemeOf(uri: string): string {
  return uri.slice(0, Math.max(0, uri.indexOf('://')));
}

/**
 * How Tapio reaches a Neo4j 5 database. Embedded in the app's `tapio.yaml` under the
 * graph store section; put the password there as `${NEO4J_PASSWORD}` so it comes from
 * the environment. Every field but the connection ones has a default tuned for a
 * single Tapio writing to one database.
 */
export const Neo4jOptions = z
  .object({
    /** bolt://host:7687 for one server, neo4j://host:7687 for a cluster (routing); `+s` / `+ssc` for TLS. */
    uri: z
      .string()
      .default('bolt://127.0.0.1:7687')
      .refine((uri) => ALL_SCHEMES.includes(schemeOf(uri)), {
        message: `must start with one of ${ALL_SCHEMES.map((scheme) => `${scheme}://`).join(', ')}`,
      }),
    user: z.string().min(1).default('neo4j'),
    /** Absent: connect without authentication (a server with dbms.security.auth_enabled=false). */
    password: z.string().optional(),
    database: z.string().min(1).default('neo4j'),
    /** TLS for bolt:// and neo4j:// URIs; leave unset with +s / +ssc schemes, which imply it. */
    encrypted: z.boolean().optional(),
    /** Which server certificates to accept when `encrypted` is true. */
    trust: z.enum(['system-ca', 'custom-ca', 'all']).optional(),
    /** PEM files of the CAs to trust, with trust: custom-ca. */
    trustedCertificates: z.array(z.string().min(1)).optional(),
    /** Most writes (events, topology changes, ...) sent in one transaction. */
    batchSize: z.number().int().min(1).max(50_000).default(5_000),
    /** Most writes held in memory while Neo4j is slow or down; writers wait beyond it (backpressure). */
    bufferLimit: z.number().int().min(1).max(10_000_000).default(200_000),
    /** How long a read is retried on transient errors (leader switch, restart) before it fails. Writes retry until they succeed. */
    maxTransactionRetryMs: z.number().int().min(0).default(15_000),
    /** Waits between attempts while Neo4j is unreachable: doubles from min to max. */
    reconnectBackoffMs: z
      .object({ min: z.number().int().min(1).default(200), max: z.number().int().min(1).default(5_000) })
      .default({ min: 200, max: 5_000 }),
    /** How long `start` waits for Neo4j before failing, and the driver's connect timeout. */
    connectTimeoutMs: z.number().int().min(1).default(15_000),
    /** How long `stop` waits for buffered writes to reach Neo4j. */
    stopTimeoutMs: z.number().int().min(0).default(30_000),
    /**
     * Circuit breakers around writes and reads: after `failures` outages in a row (Neo4j
     * unreachable, refusing us, or not answering within the timeout) calls fail at once
     * until, `halfOpenAfterMs` later, one tries again. Writes stay buffered meanwhile.
     */
    circuit: z
      .object({
        failures: z.number().int().min(1).default(3),
        halfOpenAfterMs: z.number().int().min(1).default(5_000),
        writeTimeoutMs: z.number().int().min(1).default(60_000),
        readTimeoutMs: z.number().int().min(1).default(30_000),
      })
      .strict()
      .default({ failures: 3, halfOpenAfterMs: 5_000, writeTimeoutMs: 60_000, readTimeoutMs: 30_000 }),
    /**
     * Event retention: events older than `maxAge` (counted back from the newest event) are
     * deleted every `interval`, `chunk` per transaction. Without `maxAge` events are kept.
     * Deleted objects' nodes are bounded by `maxDeletedResources` whatever `maxAge` says.
     */
    retention: z
      .object({
        maxAge: Duration.optional(),
        interval: Duration.default('10m'),
        chunk: z.number().int().min(1).max(100_000).default(10_000),
        /**
         * Resource nodes of deleted objects kept (marked deleted, so events about them still
         * resolve); beyond it the ones deleted longest ago are removed every `deletedInterval`.
         * The same bound as the memory store's topology.
         */
        maxDeletedResources: z.number().int().min(1).default(50_000),
        deletedInterval: Duration.default('1m'),
      })
      .strict()
      .default({ interval: '10m', chunk: 10_000, maxDeletedResources: 50_000, deletedInterval: '1m' }),
  })
  .strict()
  .superRefine((options, context) => {
    const secure = SECURE_SCHEMES.includes(schemeOf(options.uri));
    if (secure && (options.encrypted !== undefined || options.trust !== undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['encrypted'],
        message: `${schemeOf(options.uri)}:// already sets TLS; remove encrypted/trust or use bolt:// or neo4j://`,
      });
    }
    if (options.trust === 'custom-ca' && !options.trustedCertificates?.length) {
      context.addIssue({ code: 'custom', path: ['trustedCertificates'], message: 'trust: custom-ca needs trustedCertificates (PEM file paths)' });
    }
    if (options.reconnectBackoffMs.min > options.reconnectBackoffMs.max) {
      context.addIssue({ code: 'custom', path: ['reconnectBackoffMs'], message: 'min must not exceed max' });
    }
  });
export type Neo4jOptions = z.infer<typeof Neo4jOptions>;
export type Neo4jOptionsInput = z.input<typeof Neo4jOptions>;

/** Where this store writes, for error messages and health: "bolt://host:7687, database neo4j". */
export function describeTarget(options: Pick<Neo4jOptions, 'uri' | 'database'>): string {
  return `Neo4j at ${options.uri} (database "${options.database}")`;
}

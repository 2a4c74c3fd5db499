import { circuitSettings, Duration } from '@tapio/domain';
import { z } from 'zod';

/**
 * One JetStream stream's settings. Durations are text ("24h", "2m"), as everywhere in
 * tapio.yaml. Changing retention of an existing stream is refused by the server; the
 * other settings are updated in place at start.
 */
const StreamFields = z.strictObject({
  /**
   * limits: keep until age/size limits; workqueue: keep until one consumer acknowledged.
   * `interest` is refused: NATS acknowledges a publish to an interest stream with no
   * consumer yet and then discards it, so "published" would not mean "will be delivered".
   */
  retention: z.enum(['limits', 'workqueue', 'interest']).refine((retention) => retention !== 'interest', {
    message:
      'retention "interest" is refused: NATS acknowledges and then discards what is published before a consumer exists; ' +
      'use "workqueue" (one consumer group per stream, backpressure with discard: new) or "limits"',
  }),
  /** When a limit is reached: drop the oldest message, or refuse the new one (publishers then wait: backpressure). */
  discard: z.enum(['old', 'new']),
  maxAge: Duration,
  /** -1: unlimited. */
  maxMessages: z.number().int().min(-1),
  /**
   * -1: unlimited. NATS reserves this much of its JetStream storage (max_file_store) when
   * the stream is created, so the three streams' sum must fit in it.
   */
  maxBytes: z.number().int().min(-1),
  storage: z.enum(['file', 'memory']),
  replicas: z.number().int().min(1).max(5),
  /** How long the server remembers a Nats-Msg-Id to drop a repeated publish. */
  duplicateWindow: Duration,
});

/** A workable combination: one that neither loses what was published nor wedges publishers. */
const workable = <T extends z.ZodType<z.infer<typeof StreamFields>>>(schema: T) => schema.refine((settings) => !(settings.retention === 'limits' && settings.discard === 'new'), {
  message:
    'discard "new" on a "limits" stream refuses every publish once the stream is full until messages age out (maxAge), ' +
    'acknowledged or not, wedging publishers; use retention "workqueue" for backpressure, or discard "old"',
  path: ['discard'],
});

export const NatsStreamSettings = workable(StreamFields);
export type NatsStreamSettings = z.infer<typeof NatsStreamSettings>;

const stream = (defaults: NatsStreamSettings) => workable(StreamFields.partial().transform((given) => ({ ...defaults, ...given })));

/**
 * Every stream keeps 24 hours by default, bounded by count and size, so a late or
 * restarted consumer replays what it missed, and any number of consumer groups may read
 * it. docs/scaling.md shows the `workqueue` + `discard: new` set-up that makes a lagging
 * consumer slow its publishers down instead of losing the oldest events (one consumer
 * group per stream; a workqueue keeps what nobody consumed yet, so it is as safe before
 * the first consumer exists). docs/reliability.md says why `interest` is refused.
 */
export const DEFAULT_STREAMS = {
  raw: { retention: 'limits', discard: 'old', maxAge: '24h', maxMessages: 5_000_000, maxBytes: 1024 ** 3, storage: 'file', replicas: 1, duplicateWindow: '2m' },
  unified: { retention: 'limits', discard: 'old', maxAge: '24h', maxMessages: 5_000_000, maxBytes: 2 * 1024 ** 3, storage: 'file', replicas: 1, duplicateWindow: '2m' },
  insights: { retention: 'limits', discard: 'old', maxAge: '24h', maxMessages: 1_000_000, maxBytes: 256 * 1024 ** 2, storage: 'file', replicas: 1, duplicateWindow: '2m' },
} as const satisfies Record<string, NatsStreamSettings>;

export const NatsAuthOptions = z
  .strictObject({
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    token: z.string().min(1).optional(),
    /** An NKey user seed ("SU..."), inline. */
    nkeySeed: z.string().min(1).optional(),
    /** A file holding the NKey user seed. */
    nkeySeedFile: z.string().min(1).optional(),
    /** A decentralised-auth credentials file (JWT + seed), as `nsc` writes it. */
    credsFile: z.string().min(1).optional(),
  })
  .refine((auth) => auth.password === undefined || auth.user !== undefined, { message: 'auth.password needs auth.user' });
export type NatsAuthOptions = z.infer<typeof NatsAuthOptions>;

export const NatsTlsOptions = z.strictObject({
  /** CA bundle that signed the server certificate. */
  caFile: z.string().min(1).optional(),
  /** Client certificate and key, for servers that verify clients. */
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  /** TLS before the NATS INFO line (server `handshake_first`). */
  handshakeFirst: z.boolean().optional(),
});
export type NatsTlsOptions = z.infer<typeof NatsTlsOptions>;

/** The `bus.nats` section of tapio.yaml. */
export const NatsBusOptions = z.strictObject({
  servers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).default('nats://127.0.0.1:4222'),
  /** Connection name shown by the server (`nats server report connections`). */
  name: z.string().min(1).default('tapio'),
  auth: NatsAuthOptions.optional(),
  tls: NatsTlsOptions.optional(),
  /** Stream names are `<prefix>_RAW`, `<prefix>_UNIFIED`, `<prefix>_INSIGHTS`. */
  streamPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/).default('TAPIO'),
  /**
   * Put every subject under `<subjectPrefix>.` (e.g. one per cluster when several Tapio
   * installations share a NATS account; streams' subjects must not overlap). Empty: the
   * seed's bare `raw.>`, `unified.>`, `insights.>`.
   */
  subjectPrefix: z.string().regex(/^([A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)?$/).default(''),
  streams: z
    .strictObject({
      raw: stream(DEFAULT_STREAMS.raw).default(DEFAULT_STREAMS.raw),
      unified: stream(DEFAULT_STREAMS.unified).default(DEFAULT_STREAMS.unified),
      insights: stream(DEFAULT_STREAMS.insights).default(DEFAULT_STREAMS.insights),
    })
    .default({ raw: DEFAULT_STREAMS.raw, unified: DEFAULT_STREAMS.unified, insights: DEFAULT_STREAMS.insights }),
  /**
   * Partitions encoded in every subject's last token (`p<N>`, or `all` for events with no
   * partition key). Must equal the number of partitioned workers of a group for the server
   * to do the routing; every process publishing and consuming must agree on it.
   */
  partitions: z.number().int().min(1).max(1024).default(1),
  publish: z
    .strictObject({
      /** Publishes sent and not yet acknowledged by the server, at most. */
      maxInFlight: z.number().int().min(1).default(1024),
      /** Publishes accepted by `publish()` and not yet sent (while disconnected or the window is full), at most; beyond it they are dropped and counted. */
      maxBuffered: z.number().int().min(1).default(100_000),
      /** Waiting for one acknowledgement before sending the message again (same id: no double). */
      ackTimeout: Duration.default('5s'),
      /**
       * The `nats-publish` circuit breaker: sends in a row that timed out, lost their
       * connection or found no JetStream before it opens (a full stream does not count), and
       * how long it then holds everything before one message probes.
       */
      circuit: circuitSettings({ failures: 10, halfOpenAfterMs: 1_000 }),
      /**
       * Events published in one event-loop turn to one topic partition go as one batch
       * envelope of at most `maxEvents` events and `maxBytes` bytes (docs/reliability.md,
       * "Batch envelopes"); `maxEvents: 1` sends each event as its own message.
       */
      batch: z
        .strictObject({
          maxEvents: z.number().int().min(1).max(1024).default(64),
          maxBytes: z.number().int().min(1024).max(1024 * 1024).default(64 * 1024),
        })
        .default({ maxEvents: 64, maxBytes: 64 * 1024 }),
    })
    .default({ maxInFlight: 1024, maxBuffered: 100_000, ackTimeout: '5s', circuit: { failures: 10, halfOpenAfterMs: 1_000 }, batch: { maxEvents: 64, maxBytes: 64 * 1024 } }),
  consume: z
    .strictObject({
      /**
       * Real failures of one message's handler (it threw, or did not answer within
       * maxFailures × ackWait while its process lived) before the message goes to the
       * dead-letter sink. Deliveries caused by a consumer process dying do not count.
       */
      maxFailures: z.number().int().min(1).default(5),
      /**
       * The backstop: deliveries of one message, for whatever reason, before it is
       * dead-lettered without running its handler again. Each death of a consumer process
       * holding the message counts one, so it catches a message that crashes its consumer
       * every time; keep it well above the restarts a healthy message may live through.
       */
      maxDeliver: z.number().int().min(1).default(50),
      /** Unacknowledged this long: the server redelivers (a crashed or stuck worker). */
      ackWait: Duration.default('30s'),
      /** Messages fetched ahead of the handler, per consumer. */
      prefetch: z.number().int().min(1).default(256),
      /** Delay before a rejected message is redelivered; doubles per delivery. */
      retryDelay: Duration.default('500ms'),
      /**
       * Validate consumed messages against the domain schema (dead-letter what fails): true
       * for every topic, or the topics to validate. `[raw]` validates only where outside data
       * comes in, for deployments whose NATS permissions let only Tapio's transformer publish
       * on unified.* and only its correlation workers on insights.* (zod was 7% of the
       * correlation stage's CPU re-checking UnifiedEvents the transformer built and checked).
       */
      validate: z.union([z.boolean(), z.array(z.enum(['raw', 'unified', 'insights']))]).default(true),
      /**
       * Take a message that a Tapio publisher marked with this build's schema of its topic
       * (header Tapio-Schema, a digest of the schema) as checked: its events were built by
       * Tapio's typed code and validated where outside data came in (collectors, pipeline).
       * Messages without the mark, or another one, are validated as `validate` says; a
       * marked event whose handler fails is checked then. false: validate every message.
       * docs/scaling.md, Security, says what this trusts.
       */
      trustMarked: z.boolean().default(true),
      /** On close: how long running handlers may take to finish (what they leave is redelivered). */
      shutdownGrace: Duration.default('10s'),
    })
    .refine((consume) => consume.maxDeliver >= consume.maxFailures, {
      message: 'maxDeliver (deliveries, the backstop) must be at least maxFailures (handler failures): every failure is a delivery',
      path: ['maxDeliver'],
    })
    .default({ maxFailures: 5, maxDeliver: 50, ackWait: '30s', prefetch: 256, retryDelay: '500ms', validate: true, trustMarked: true, shutdownGrace: '10s' }),
  connect: z
    .strictObject({
      /** First retry delay when NATS is unreachable; doubles up to maxDelay. */
      initialDelay: Duration.default('250ms'),
      maxDelay: Duration.default('10s'),
      /** Per attempt. */
      timeout: Duration.default('5s'),
    })
    .default({ initialDelay: '250ms', maxDelay: '10s', timeout: '5s' }),
});
export type NatsBusOptions = z.infer<typeof NatsBusOptions>;
export type NatsBusOptionsInput = z.input<typeof NatsBusOptions>;

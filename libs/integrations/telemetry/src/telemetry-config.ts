import { Duration } from '@tapio/domain';
import { z } from 'zod';

export const TELEMETRY_DEFAULTS = {
  enabled: false,
  endpoint: 'http://127.0.0.1:4318',
  headers: {},
  serviceName: 'tapio',
  traces: { enabled: true, sampleRatio: 1 },
  metrics: { enabled: true, interval: '30s' },
};

/**
 * tapio.yaml `telemetry:`: Tapio's own traces and metrics over OTLP/HTTP, off by default.
 * Traces follow each event (collect, transform, correlate, notify) and REST API requests
 * (an incoming W3C `traceparent` is honoured); metrics are the ones /metrics shows.
 */
export const TelemetryConfig = z
  .object({
    enabled: z.boolean().default(TELEMETRY_DEFAULTS.enabled),
    /** OTLP/HTTP base URL (an OpenTelemetry Collector's otlp receiver): traces go to /v1/traces, metrics to /v1/metrics. */
    endpoint: z.url({ protocol: /^https?$/ }).default(TELEMETRY_DEFAULTS.endpoint),
    /** Extra HTTP headers on every export (an ingest token). */
    headers: z.record(z.string(), z.string()).default(TELEMETRY_DEFAULTS.headers),
    /** `service.name` of the resource; each process adds `service.instance.id` and `tapio.mode`. */
    serviceName: z.string().min(1).default(TELEMETRY_DEFAULTS.serviceName),
    traces: z
      .object({
        enabled: z.boolean().default(true),
        /** Share of new traces recorded (a trace arriving with a sampled parent is always kept). */
        sampleRatio: z.number().min(0).max(1).default(1),
      })
      .strict()
      .default(TELEMETRY_DEFAULTS.traces),
    metrics: z
      .object({
        enabled: z.boolean().default(true),
        /** How often metrics are pushed. */
        interval: Duration.default('30s'),
      })
      .strict()
      .default(TELEMETRY_DEFAULTS.metrics),
  })
  .strict();
export type TelemetryConfig = z.infer<typeof TelemetryConfig>;

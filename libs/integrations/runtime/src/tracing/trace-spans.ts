import type { Attributes } from '@opentelemetry/api';
import type { BusHeaders } from '@tapio/domain';

/** A RawEvent's own trace context (seed 001's trace_id / span_id, from an instrumented source), when it is a valid W3C one. */
export interface EventTraceIds {
  traceId?: string | undefined;
  spanId?: string | undefined;
}

/** What a tracer does for EventTracing (otel-spans.ts, with the OpenTelemetry API). */
export interface TraceSpans {
  span<T>(name: string, kind: 'producer' | 'consumer', headers: BusHeaders | undefined, attributes: Attributes, fn: () => T, own?: EventTraceIds): T;
  annotate(attributes: Attributes): void;
  headers(): BusHeaders;
}

import type { Attributes, Tracer } from '@opentelemetry/api';
import { NO_BUS_HEADERS, type BusHeaders } from '@tapio/domain';
import type { EventTraceIds, TraceSpans } from './trace-spans.js';

export type { EventTraceIds, TraceSpans };

/**
 * The spans of an event's path (collect, transform, correlate, notify) with the OpenTelemetry
 * API. Each stage continues the trace of the message it handles: the publisher's context
 * travels in the bus message's headers (W3C `traceparent`), so a trace crosses processes
 * on NATS as it crosses stages of one process. Without a tracer (telemetry off) every call
 * runs its function directly: no span, no headers, nothing allocated per event, and the
 * OpenTelemetry API (51 modules) is not loaded at all.
 */
export class EventTracing {
  constructor(private readonly spans?: TraceSpans) {}

  /** Tracing through `tracer`, or the pass-through when there is none. */
  static async withTracer(tracer: Tracer | undefined): Promise<EventTracing> {
    if (!tracer) return new EventTracing();
    const { OtelTraceSpans } = await import('./otel-spans.js');
    return new EventTracing(new OtelTraceSpans(tracer));
  }

  get enabled(): boolean {
    return this.spans !== undefined;
  }

  /**
   * Runs `fn` (synchronously up to its first await, so delivery order is kept) inside a
   * span named `name`, child of the context in `headers`, or of the event's own trace ids,
   * or a new trace.
   */
  span<T>(name: string, kind: 'producer' | 'consumer', headers: BusHeaders | undefined, attributes: Attributes, fn: () => T, own?: EventTraceIds): T {
    if (!this.spans) return fn();
    return this.spans.span(name, kind, headers, attributes, fn, own);
  }

  /** Adds attributes to the current stage's span (e.g. the insights an event changed). */
  annotate(attributes: Attributes): void {
    this.spans?.annotate(attributes);
  }

  /** The active span's context as bus headers (`traceparent`, `tracestate`) for what the current stage publishes. */
  headers(): BusHeaders {
    return this.spans ? this.spans.headers() : NO_BUS_HEADERS;
  }
}

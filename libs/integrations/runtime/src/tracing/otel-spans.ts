import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { BusHeaders } from '@tapio/domain';
import type { EventTraceIds, TraceSpans } from './trace-spans.js';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

function ended<T>(span: Span, result: T): T {
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failed(span, error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

function failed(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
}

/**
 * The spans of an event's path with the OpenTelemetry API (see EventTracing). Loaded only
 * when telemetry is on, so a process without a tracer never loads the API's modules.
 */
export class OtelTraceSpans implements TraceSpans {
  constructor(private readonly tracer: Tracer) {}

  /**
   * Runs `fn` (synchronously up to its first await, so delivery order is kept) inside a
   * span named `name`, child of the context in `headers`, or of the event's own trace ids,
   * or a new trace.
   */
  span<T>(name: string, kind: 'producer' | 'consumer', headers: BusHeaders | undefined, attributes: Attributes, fn: () => T, own?: EventTraceIds): T {
    const parent = this.parentContext(headers, own);
    return this.tracer.startActiveSpan(name, { kind: kind === 'producer' ? SpanKind.PRODUCER : SpanKind.CONSUMER, attributes }, parent, (span) => {
      try {
        return ended(span, fn());
      } catch (error) {
        failed(span, error);
        span.end();
        throw error;
      }
    });
  }

  /** Adds attributes to the current stage's span (e.g. the insights an event changed). */
  annotate(attributes: Attributes): void {
    trace.getActiveSpan()?.setAttributes(attributes);
  }

  /** The active span's context as bus headers (`traceparent`, `tracestate`) for what the current stage publishes. */
  headers(): BusHeaders {
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    return carrier;
  }

  private parentContext(headers: BusHeaders | undefined, own: EventTraceIds | undefined): Context {
    if (headers && headers['traceparent']) return propagation.extract(ROOT_CONTEXT, headers);
    if (own?.traceId && TRACE_ID.test(own.traceId) && own.spanId && SPAN_ID.test(own.spanId)) {
      return trace.setSpanContext(ROOT_CONTEXT, { traceId: own.traceId, spanId: own.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    }
    return ROOT_CONTEXT;
  }
}

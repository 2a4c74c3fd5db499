import { randomUUID } from 'node:crypto';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { parseDuration } from '@tapio/domain';
import { PrometheusProducer } from './prometheus-producer.js';
import type { Telemetry, TelemetryIdentity } from './telemetry-types.js';
import type { TelemetryConfig } from './telemetry-config.js';


function url(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/**
 * Sets up the OpenTelemetry SDK from `telemetry:` (loaded only when telemetry is on): a tracer provider exporting batches of
 * spans and a meter provider pushing metrics every `metrics.interval`, both over OTLP/HTTP
 * (JSON) to `endpoint`, with a bridge for the Prometheus metrics no instrument mirrors
 * (`mirrorPrometheus`); the W3C trace-context propagator and an AsyncLocalStorage context
 * manager registered globally, so the API calls of every part of Tapio (and of libraries)
 * reach them. Disabled: nothing is registered and the OpenTelemetry API stays a no-op.
 */
export function startSdk(config: TelemetryConfig, identity: TelemetryIdentity): Telemetry {
  const resource = resourceFromAttributes({
    'service.name': config.serviceName,
    'service.version': identity.version,
    'service.instance.id': randomUUID(),
    'tapio.mode': identity.mode,
    'tapio.cluster': identity.cluster,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const telemetry: Telemetry = { shutdown: async () => undefined };
  const stops: Array<() => Promise<void>> = [];
  if (config.traces.enabled) {
    const exporter = new OTLPTraceExporter({ url: url(config.endpoint, '/v1/traces'), headers: config.headers });
    const provider = new TracerProvider({
      resource,
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.traces.sampleRatio) }),
      spanProcessors: [new BatchSpanProcessor({ exporter })],
    });
    trace.setGlobalTracerProvider(provider);
    telemetry.tracer = provider.getTracer('tapio', identity.version);
    stops.push(() => provider.shutdown());
  }
  if (config.metrics.enabled) {
    const interval = parseDuration(config.metrics.interval);
    const prometheus = new PrometheusProducer();
    const reader = new PeriodicExportingMetricReader({
      metricProducers: [prometheus],
      exporter: new OTLPMetricExporter({ url: url(config.endpoint, '/v1/metrics'), headers: config.headers }),
      exportIntervalMillis: interval,
      exportTimeoutMillis: Math.min(interval, 30_000),
    });
    const provider = new MeterProvider({ resource, readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    telemetry.meter = provider.getMeter('tapio', identity.version);
    telemetry.mirrorPrometheus = (source) => prometheus.read(source);
    stops.push(() => provider.shutdown());
  }
  telemetry.shutdown = async () => {
    await Promise.allSettled(stops.map((stop) => stop()));
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
  };
  return telemetry;
}

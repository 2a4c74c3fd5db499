import { AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusProducer, type PrometheusFamily } from './prometheus-producer.js';

const providers: MeterProvider[] = [];

/** A real SDK pipeline (meter provider, periodic reader, in-memory exporter) with the bridge as its extra producer. */
async function exported(source?: () => Promise<PrometheusFamily[]>): Promise<MetricData[]> {
  const producer = new PrometheusProducer();
  if (source) producer.read(source);
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000, metricProducers: [producer] });
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  provider.getMeter('own').createCounter('own_total').add(1);
  await reader.forceFlush();
  return exporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
}

/** prom-client's JSON as Tapio hands it over: `type` is the Prometheus type's name at run time. */
function fromRegistry(registry: Registry): () => Promise<PrometheusFamily[]> {
  return async () => (await registry.getMetricsAsJSON()).map((family) => ({ ...family, type: String(family.type) }));
}

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.shutdown()));
});

describe('PrometheusProducer: a prom-client registry bridged into the OpenTelemetry SDK export', () => {
  it('exports counters as monotonic cumulative sums and gauges as gauges, with the same names and labels, beside the SDK\'s own instruments', async () => {
    const registry = new Registry();
    new Counter({ name: 'process_cpu_user_seconds_total', help: 'user CPU', registers: [registry] }).inc(1.5);
    new Gauge({ name: 'nodejs_heap_space_size_used_bytes', help: 'heap used', labelNames: ['space'], registers: [registry] }).set({ space: 'old' }, 4096);
    const metrics = await exported(fromRegistry(registry));
    expect(metrics.map((metric) => metric.descriptor.name).sort()).toEqual(['nodejs_heap_space_size_used_bytes', 'own_total', 'process_cpu_user_seconds_total']);
    const cpu = metrics.find((metric) => metric.descriptor.name === 'process_cpu_user_seconds_total');
    expect(cpu).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true, aggregationTemporality: AggregationTemporality.CUMULATIVE, descriptor: { description: 'user CPU' } });
    expect(cpu?.dataPoints.map((point) => point.value)).toEqual([1.5]);
    const heap = metrics.find((metric) => metric.descriptor.name === 'nodejs_heap_space_size_used_bytes');
    expect(heap?.dataPointType).toBe(DataPointType.GAUGE);
    expect(heap?.dataPoints.map((point) => [point.attributes, point.value])).toEqual([[{ space: 'old' }, 4096]]);
  });

  it('folds a histogram\'s cumulative _bucket series into per-bucket counts on the same boundaries, one point per label set', async () => {
    const registry = new Registry();
    const gc = new Histogram({ name: 'nodejs_gc_duration_seconds', help: 'GC', labelNames: ['kind'], buckets: [0.001, 0.01, 0.1], registers: [registry] });
    for (const value of [0.0005, 0.005, 0.005, 0.05, 2]) gc.observe({ kind: 'minor' }, value);
    gc.observe({ kind: 'major' }, 0.02);
    const metrics = await exported(fromRegistry(registry));
    const histogram = metrics.find((metric) => metric.descriptor.name === 'nodejs_gc_duration_seconds');
    expect(histogram?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const byKind = Object.fromEntries((histogram?.dataPoints ?? []).map((point) => [point.attributes['kind'], point.value]));
    expect(byKind['minor']).toMatchObject({ buckets: { boundaries: [0.001, 0.01, 0.1], counts: [1, 2, 1, 1] }, count: 5 });
    expect((byKind['minor'] as { sum: number }).sum).toBeCloseTo(2.0605);
    expect(byKind['major']).toMatchObject({ buckets: { boundaries: [0.001, 0.01, 0.1], counts: [0, 0, 1, 0] }, count: 1, sum: 0.02 });
  });

  it('adds nothing until it is given a source, and reports a failing source as a collection error without losing the SDK\'s own metrics', async () => {
    expect((await exported()).map((metric) => metric.descriptor.name)).toEqual(['own_total']);
    const failing = await exported(async () => {
      throw new Error('registry unavailable');
    });
    expect(failing.map((metric) => metric.descriptor.name)).toEqual(['own_total']);
    const producer = new PrometheusProducer();
    producer.read(async () => {
      throw new Error('registry unavailable');
    });
    const result = await producer.collect();
    expect(result.resourceMetrics.scopeMetrics).toEqual([]);
    expect(String(result.errors[0])).toContain('registry unavailable');
  });
});

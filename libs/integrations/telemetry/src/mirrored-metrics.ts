import type { Attributes, Meter } from '@opentelemetry/api';
import type { CounterMetric, GaugeMetric, HistogramMetric, MetricLabels, Metrics, MetricsFormat, RenderedMetrics } from '@tapio/domain';

/**
 * The Metrics port over two registries: every counter, gauge and histogram goes to the
 * Prometheus registry (`/metrics`) and to an OpenTelemetry meter (pushed over OTLP), with
 * the same names and labels, so a dashboard finds the same series either way. Values that
 * components keep themselves are read before each scrape (`beforeScrape`); the same
 * readers run before each OTLP export, from an observable callback the SDK calls at every
 * collection before it reads the instruments.
 */
export class MirroredMetrics implements Metrics {
  private readonly collects: Array<() => void | Promise<void>> = [];

  constructor(
    private readonly prometheus: Metrics,
    private readonly meter: Meter,
  ) {
    meter.createObservableGauge('tapio_telemetry_exports', { description: 'Constant 1: its callback reads the components\' own totals before each OTLP export' }).addCallback(async (result) => {
      for (const collect of this.collects) await collect();
      result.observe(1);
    });
  }

  counter(name: string, help: string, labelNames?: readonly string[]): CounterMetric {
    const prometheus = this.prometheus.counter(name, help, labelNames);
    const otel = this.meter.createCounter(name, { description: help });
    return {
      inc: (labels?: MetricLabels, value = 1) => {
        prometheus.inc(labels, value);
        otel.add(value, labels as Attributes | undefined);
      },
    };
  }

  gauge(name: string, help: string, labelNames?: readonly string[]): GaugeMetric {
    const prometheus = this.prometheus.gauge(name, help, labelNames);
    const otel = this.meter.createGauge(name, { description: help });
    return {
      set: (value: number, labels?: MetricLabels) => {
        prometheus.set(value, labels);
        otel.record(value, labels as Attributes | undefined);
      },
    };
  }

  histogram(name: string, help: string, buckets?: readonly number[], labelNames?: readonly string[]): HistogramMetric {
    const prometheus = this.prometheus.histogram(name, help, buckets, labelNames);
    const otel = this.meter.createHistogram(name, { description: help, ...(buckets ? { advice: { explicitBucketBoundaries: [...buckets] } } : {}) });
    return {
      observe: (value: number, labels?: MetricLabels) => {
        prometheus.observe(value, labels);
        otel.record(value, labels as Attributes | undefined);
      },
    };
  }

  beforeScrape(collect: () => void | Promise<void>): void {
    this.prometheus.beforeScrape(collect);
    this.collects.push(collect);
  }

  render(format?: MetricsFormat): Promise<RenderedMetrics> {
    return this.prometheus.render(format);
  }
}

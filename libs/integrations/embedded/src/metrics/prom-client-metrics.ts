import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type OpenMetricsContentType } from 'prom-client';
import type { CounterMetric, GaugeMetric, HistogramMetric, MetricLabels, Metrics, MetricsFormat, RenderedMetrics } from '@tapio/domain';

const DEFAULT_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

/** A metric family's current values as prom-client reads them (`Registry.getMetricsAsJSON()`). */
export interface MetricFamilyValues {
  name: string;
  help: string;
  type: string;
  values: Array<{ value: number; labels: Partial<Record<string, string | number>>; metricName?: string }>;
}

type Kind = 'counter' | 'gauge' | 'histogram';

interface Family {
  kind: Kind;
  metric: CounterMetric & GaugeMetric & HistogramMetric;
}

/**
 * The Metrics port on prom-client, with its default process_* and nodejs_* metrics.
 *
 * Each metric lives twice, once per exposition format: prom-client renders a registry
 * in one format, and rendering a counter as OpenMetrics renames the metric object for
 * good (it strips `_total` to make the family name). Keeping one registry per format
 * lets both be asked for at any time with the same names.
 */
export class PromClientMetrics implements Metrics {
  private readonly prometheus = new Registry();
  private readonly openmetrics = new Registry<OpenMetricsContentType>();
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => void | Promise<void>> = [];

  constructor(options: { defaultMetrics?: boolean } = {}) {
    this.openmetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.prometheus });
      collectDefaultMetrics({ register: this.openmetrics });
    }
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): CounterMetric {
    if (!name.endsWith('_total')) throw new Error(`counter "${name}" must end in _total`);
    return this.family(name, 'counter', () => {
      const [text, open] = this.both((registers) => new Counter({ name, help, labelNames, registers }));
      return { inc: (labels?: MetricLabels, value = 1) => (labels ? (text.inc(labels, value), open.inc(labels, value)) : (text.inc(value), open.inc(value))) };
    });
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): GaugeMetric {
    return this.family(name, 'gauge', () => {
      const [text, open] = this.both((registers) => new Gauge({ name, help, labelNames, registers }));
      return { set: (value: number, labels?: MetricLabels) => (labels ? (text.set(labels, value), open.set(labels, value)) : (text.set(value), open.set(value))) };
    });
  }

  histogram(name: string, help: string, buckets: readonly number[] = DEFAULT_BUCKETS, labelNames: readonly string[] = []): HistogramMetric {
    return this.family(name, 'histogram', () => {
      const [text, open] = this.both((registers) => new Histogram({ name, help, labelNames, buckets: [...buckets], registers }));
      return { observe: (value: number, labels?: MetricLabels) => (labels ? (text.observe(labels, value), open.observe(labels, value)) : (text.observe(value), open.observe(value))) };
    });
  }

  beforeScrape(collect: () => void | Promise<void>): void {
    this.collectors.push(collect);
  }

  /**
   * The metrics Tapio did not register itself (prom-client's default process_* and
   * nodejs_* metrics), read now as prom-client reads them for a scrape: for a bridge to
   * another exporter (OTLP) that mirrors Tapio's own metrics by instrument.
   */
  async defaultMetrics(): Promise<MetricFamilyValues[]> {
    const families = await this.prometheus.getMetricsAsJSON();
    // prom-client's typings name `type` an enum; at run time it is the Prometheus type's name.
    return families.filter((family) => !this.families.has(family.name)).map((family) => ({ name: family.name, help: family.help, type: String(family.type), values: family.values }));
  }

  async render(format: MetricsFormat = 'prometheus'): Promise<RenderedMetrics> {
    for (const collect of this.collectors) await collect();
    const registry = format === 'openmetrics' ? this.openmetrics : this.prometheus;
    return { contentType: registry.contentType, text: await registry.metrics() };
  }

  private both<T>(create: (registers: Array<Registry | Registry<OpenMetricsContentType>>) => T): [T, T] {
    return [create([this.prometheus]), create([this.openmetrics])];
  }

  private family<T>(name: string, kind: Kind, create: () => T): T {
    const existing = this.families.get(name);
    if (existing) {
      if (existing.kind !== kind) throw new Error(`metric "${name}" is already registered as a ${existing.kind}`);
      return existing.metric as T;
    }
    const metric = create();
    this.families.set(name, { kind, metric: metric as Family['metric'] });
    return metric;
  }
}

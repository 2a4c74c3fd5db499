import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { hrTime, millisToHrTime } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';

/** One metric family as prom-client's `Registry.getMetricsAsJSON()` gives it (the shape, not the library). */
export interface PrometheusFamily {
  name: string;
  help: string;
  type: string;
  values: Array<{ value: number; labels: Record<string, string | number | undefined>; metricName?: string }>;
}

export type PrometheusSource = () => Promise<PrometheusFamily[]>;

/** Cumulative sums count from the process's start, as prom-client's process_* and nodejs_* totals do. */
const PROCESS_START: HrTime = millisToHrTime(performance.timeOrigin);

function attributes(labels: PrometheusFamily['values'][number]['labels'], without?: string): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(labels)) if (key !== without && value !== undefined) result[key] = String(value);
  return result;
}

/**
 * prom-client's histogram series (`_bucket` per `le`, cumulative; `_sum`; `_count`) folded
 * into one OpenTelemetry histogram point per label set, with per-bucket counts.
 */
function histogramPoints(family: PrometheusFamily, now: HrTime): Array<DataPoint<Histogram>> {
  const series = new Map<string, { attributes: Attributes; buckets: Array<[number, number]>; sum: number; count: number }>();
  for (const sample of family.values) {
    const attrs = attributes(sample.labels, 'le');
    const key = JSON.stringify(Object.entries(attrs).sort(([a], [b]) => a.localeCompare(b)));
    const entry = series.get(key) ?? { attributes: attrs, buckets: [], sum: 0, count: 0 };
    series.set(key, entry);
    if (sample.metricName === `${family.name}_sum`) entry.sum = sample.value;
    else if (sample.metricName === `${family.name}_count`) entry.count = sample.value;
    else if (sample.labels['le'] !== '+Inf' && sample.labels['le'] !== undefined) entry.buckets.push([Number(sample.labels['le']), sample.value]);
  }
  return [...series.values()].map((entry) => {
    const sorted = entry.buckets.sort(([a], [b]) => a - b);
    const counts = sorted.map(([, cumulative], index) => cumulative - (index === 0 ? 0 : (sorted[index - 1] as [number, number])[1]));
    const below = sorted.length ? (sorted[sorted.length - 1] as [number, number])[1] : 0;
    counts.push(entry.count - below);
    return {
      startTime: PROCESS_START,
      endTime: now,
      attributes: entry.attributes,
      value: { buckets: { boundaries: sorted.map(([boundary]) => boundary), counts }, sum: entry.sum, count: entry.count },
    };
  });
}

function toMetricData(family: PrometheusFamily, now: HrTime): MetricData | undefined {
  const descriptor = { name: family.name, description: family.help, unit: '', valueType: ValueType.DOUBLE };
  const points = () => family.values.map((sample) => ({ startTime: PROCESS_START, endTime: now, attributes: attributes(sample.labels), value: sample.value }));
  switch (family.type) {
    case 'counter':
      return { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.SUM, isMonotonic: true, dataPoints: points() };
    case 'gauge':
      return { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: points() };
    case 'histogram':
      return { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.HISTOGRAM, dataPoints: histogramPoints(family, now) };
    default:
      // Summaries have no OpenTelemetry data point the SDK exports; prom-client's defaults have none.
      return undefined;
  }
}

/**
 * The OpenTelemetry SDK's bridge for metrics kept elsewhere (a MetricProducer, the way the
 * specification bridges third-party metric sources): at every OTLP collection it reads a
 * Prometheus registry's families and hands them to the exporter under the same names,
 * counters as monotonic cumulative sums, gauges as gauges, histograms with the same
 * bucket boundaries. Tapio mirrors prom-client's default process_* and nodejs_* metrics
 * this way; until a source is given it produces nothing.
 */
export class PrometheusProducer implements MetricProducer {
  private source: PrometheusSource | undefined;

  read(source: PrometheusSource): void {
    this.source = source;
  }

  async collect(): Promise<CollectionResult> {
    const resourceMetrics = { resource: resourceFromAttributes({}), scopeMetrics: [] as CollectionResult['resourceMetrics']['scopeMetrics'] };
    if (!this.source) return { resourceMetrics, errors: [] };
    try {
      const now = hrTime();
      const metrics = (await this.source()).map((family) => toMetricData(family, now)).filter((metric): metric is MetricData => metric !== undefined);
      resourceMetrics.scopeMetrics.push({ scope: { name: 'prom-client' }, metrics });
      return { resourceMetrics, errors: [] };
    } catch (error) {
      return { resourceMetrics, errors: [error] };
    }
  }
}

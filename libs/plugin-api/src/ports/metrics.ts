import { token } from './token.js';

export type MetricLabels = Record<string, string>;

export interface CounterMetric {
  inc(labels?: MetricLabels, value?: number): void;
}
export interface GaugeMetric {
  set(value: number, labels?: MetricLabels): void;
}
export interface HistogramMetric {
  observe(value: number, labels?: MetricLabels): void;
}

/** Exposition formats a scrape may ask for (Accept negotiation). */
export type MetricsFormat = 'prometheus' | 'openmetrics';

export interface RenderedMetrics {
  contentType: string;
  text: string;
}

/**
 * Metrics registry port (Prometheus-shaped). Asking twice for one name returns the same
 * metric. Every label a metric is ever given must be named in `labelNames` up front.
 * Conventions: counters end in `_total`, units are in the name (`_seconds`, `_bytes`).
 */
export interface Metrics {
  counter(name: string, help: string, labelNames?: readonly string[]): CounterMetric;
  gauge(name: string, help: string, labelNames?: readonly string[]): GaugeMetric;
  histogram(name: string, help: string, buckets?: readonly number[], labelNames?: readonly string[]): HistogramMetric;
  /** Runs before every scrape, to read values kept by components (queue depths, their own totals). */
  beforeScrape(collect: () => void | Promise<void>): void;
  render(format?: MetricsFormat): Promise<RenderedMetrics>;
}
export const Metrics = token<Metrics>('Metrics');

/**
 * A counter fed from a running total a component keeps itself (bus stats, kernel map
 * counters): each update advances the counter by what the total grew since the last
 * one, so it stays a counter. A total that went down was restarted from zero: its
 * whole new value is new.
 */
export function totalFollower(counter: CounterMetric): (total: number, labels?: MetricLabels) => void {
  const last = new Map<string, number>();
  return (total, labels) => {
    const key = labels ? JSON.stringify(Object.entries(labels).sort()) : '';
    const previous = last.get(key) ?? 0;
    const grown = total >= previous ? total - previous : total;
    if (grown > 0) counter.inc(labels, grown);
    last.set(key, total);
  };
}

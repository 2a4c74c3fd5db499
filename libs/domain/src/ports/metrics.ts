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

/** Metrics registry port (Prometheus-shaped). Asking twice for one name returns the same metric. */
export interface Metrics {
  counter(name: string, help: string): CounterMetric;
  gauge(name: string, help: string): GaugeMetric;
  histogram(name: string, help: string, buckets?: number[]): HistogramMetric;
  /** Prometheus text exposition format. */
  render(): string;
}
export const Metrics = token<Metrics>('Metrics');

import type { CounterMetric, GaugeMetric, HistogramMetric, MetricLabels, Metrics, RenderedMetrics } from '@tapio/domain';

/** A Metrics port that keeps every series' value, for assertions (`name{a="x",b="y"}`, labels in call order). */
export class RecordingMetrics implements Metrics {
  readonly values = new Map<string, number>();
  private series(name: string, labels: MetricLabels = {}): string {
    return `${name}{${Object.entries(labels)
      .map(([key, value]) => `${key}="${value}"`)
      .join(',')}}`;
  }
  counter(name: string): CounterMetric {
    return { inc: (labels, value = 1) => void this.values.set(this.series(name, labels), (this.values.get(this.series(name, labels)) ?? 0) + value) };
  }
  gauge(name: string): GaugeMetric {
    return { set: (value, labels) => void this.values.set(this.series(name, labels), value) };
  }
  histogram(name: string): HistogramMetric {
    return { observe: (value, labels) => void this.values.set(this.series(name, labels), value) };
  }
  beforeScrape(): void {}
  async render(): Promise<RenderedMetrics> {
    return { contentType: 'text/plain', text: [...this.values].map(([series, value]) => `${series} ${value}`).join('\n') };
  }
}

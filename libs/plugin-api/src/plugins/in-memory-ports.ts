import type { DeadLetter, DeadLetterSink } from '../ports/dead-letter.js';
import type { KubeIndex, PodIdentity } from '../ports/kube-index.js';
import type { CounterMetric, GaugeMetric, HistogramMetric, MetricLabels, Metrics, RenderedMetrics } from '../ports/metrics.js';

/*
 * Ports that keep what they are given in memory, beside the do-nothing ones
 * (no-op-ports.ts): for plugin tests that assert on what reached a port, or that need
 * a port answering from fixed data.
 */

/** A DeadLetterSink that keeps every entry, oldest first, so a test can read what was rejected. */
export class MemoryDeadLetters implements DeadLetterSink {
  readonly entries: DeadLetter[] = [];

  put(entry: DeadLetter): void {
    this.entries.push(entry);
  }

  count(): number {
    return this.entries.length;
  }

  recent(limit: number): DeadLetter[] {
    return this.entries.slice(-limit);
  }
}

/** A KubeIndex over a fixed list of pods: what a collector's attribution sees of the cluster in a test. */
export class StaticKubeIndex implements KubeIndex {
  constructor(private readonly pods: readonly PodIdentity[]) {}

  podByContainerId(containerId: string): PodIdentity | undefined {
    return this.pods.find((pod) => pod.containers.some((container) => container.containerId === containerId));
  }

  podByUid(uid: string): PodIdentity | undefined {
    return this.pods.find((pod) => pod.uid === uid);
  }

  podByIp(ip: string): PodIdentity | undefined {
    return this.pods.find((pod) => pod.podIP === ip);
  }

  podsOnNode(nodeName: string): PodIdentity[] {
    return this.pods.filter((pod) => pod.nodeName === nodeName);
  }
}

/**
 * A Metrics port that keeps the current value of every series, keyed `name{a="x",b="y"}`
 * with the labels in the order the code passed them: counters add, gauges and histograms
 * keep the last value.
 */
export class RecordingMetrics implements Metrics {
  readonly values = new Map<string, number>();

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

  private series(name: string, labels: MetricLabels = {}): string {
    return `${name}{${Object.entries(labels)
      .map(([key, value]) => `${key}="${value}"`)
      .join(',')}}`;
  }
}

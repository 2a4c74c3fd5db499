import type { CounterMetric, DeadLetter, DeadLetterSink, GaugeMetric, HistogramMetric, Insight, MetricLabels, Metrics, RawEvent, RenderedMetrics, UnifiedEvent } from '@tapio/domain';

const AT = '2026-03-02T10:00:00Z';

export function rawPodEvent(name: string, namespace = 'default', watch: 'ADDED' | 'MODIFIED' | 'DELETED' = 'ADDED', resourceVersion = '1'): RawEvent {
  return {
    timestamp: AT,
    source: 'kubeapi',
    type: watch,
    metadata: { cluster: 'test', collector: 'kubeapi' },
    data: { type: watch, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `uid-${namespace}-${name}`, resourceVersion } } },
  };
}

export function rawKernelEvent(pid: number): RawEvent {
  return { timestamp: AT, source: 'kernel', type: 'oom_kill', metadata: { node: 'worker-1' }, data: { pid, comm: 'java' } };
}

export function unifiedEvent(id: string, kind: string, name: string, namespace: string | null): UnifiedEvent {
  return {
    id,
    type: 'pod_restart',
    timestamp: AT,
    source: 'kubeapi',
    severity: 'medium',
    message: `${kind} ${name} restarted`,
    semantic: { intent: 'restart', category: 'lifecycle', narrative: `${kind} ${name} restarted` },
    entity: namespace ? { kind, name, namespace, cluster: 'test' } : { kind, name, cluster: 'test' },
    processedAt: AT,
  };
}

export function insight(id: string, namespace: string): Insight {
  const entity = { kind: 'ConfigMap', name: 'app-config', namespace, cluster: 'test' };
  return {
    id,
    title: 'ConfigMap change broke the rollout',
    severity: 'critical',
    confidence: 0.9,
    rootCause: { entity, what: 'data.application.yaml changed' },
    symptoms: [],
    chain: [],
    affected: [],
    story: 'the config changed, then the pods crashed',
    nextChecks: [],
    previousOccurrences: [],
    eventIds: [],
    firstSeen: AT,
    lastSeen: AT,
    createdAt: AT,
  };
}

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

/** Polls until `check` returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A Metrics port that remembers the last value of every series, for assertions. */
export class RecordingMetrics implements Metrics {
  readonly values = new Map<string, number>();
  private series(name: string, labels: MetricLabels = {}): string {
    const text = Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}="${value}"`)
      .join(',');
    return `${name}{${text}}`;
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

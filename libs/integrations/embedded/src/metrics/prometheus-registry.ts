import type { CounterMetric, GaugeMetric, HistogramMetric, MetricLabels, Metrics } from '@tapio/domain';

const DEFAULT_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

function labelKey(labels: MetricLabels | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels).sort();
  return keys.map((key) => `${key}="${String(labels[key]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',');
}

function withLabels(name: string, key: string, extra?: string): string {
  const all = [key, extra].filter(Boolean).join(',');
  return all ? `${name}{${all}}` : name;
}

interface Family {
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  render(name: string): string[];
}

class Counter implements CounterMetric, Family {
  readonly type = 'counter';
  private readonly values = new Map<string, number>();
  constructor(readonly help: string) {}
  inc(labels?: MetricLabels, value = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + value);
  }
  render(name: string): string[] {
    return [...this.values].map(([key, value]) => `${withLabels(name, key)} ${value}`);
  }
}

class Gauge implements GaugeMetric, Family {
  readonly type = 'gauge';
  private readonly values = new Map<string, number>();
  constructor(readonly help: string) {}
  set(value: number, labels?: MetricLabels): void {
    this.values.set(labelKey(labels), value);
  }
  render(name: string): string[] {
    return [...this.values].map(([key, value]) => `${withLabels(name, key)} ${value}`);
  }
}

class Histogram implements HistogramMetric, Family {
  readonly type = 'histogram';
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly help: string, private readonly buckets: number[]) {}
  observe(value: number, labels?: MetricLabels): void {
    const key = labelKey(labels);
    let entry = this.series.get(key);
    if (!entry) this.series.set(key, (entry = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let index = 0; index < this.buckets.length; index += 1) if (value <= (this.buckets[index] as number)) (entry.counts[index] as number) += 1;
    entry.sum += value;
    entry.count += 1;
  }
  render(name: string): string[] {
    const lines: string[] = [];
    for (const [key, entry] of this.series) {
      this.buckets.forEach((bound, index) => lines.push(`${withLabels(`${name}_bucket`, key, `le="${bound}"`)} ${entry.counts[index]}`));
      lines.push(`${withLabels(`${name}_bucket`, key, 'le="+Inf"')} ${entry.count}`);
      lines.push(`${withLabels(`${name}_sum`, key)} ${entry.sum}`);
      lines.push(`${withLabels(`${name}_count`, key)} ${entry.count}`);
    }
    return lines;
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** The Metrics port in Prometheus text exposition format, no dependencies. */
export class PrometheusRegistry implements Metrics {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string): CounterMetric {
    return this.family(name, 'counter', () => new Counter(help)) as Counter;
  }

  gauge(name: string, help: string): GaugeMetric {
    return this.family(name, 'gauge', () => new Gauge(help)) as Gauge;
  }

  histogram(name: string, help: string, buckets: number[] = DEFAULT_BUCKETS): HistogramMetric {
    return this.family(name, 'histogram', () => new Histogram(help, [...buckets].sort((a, b) => a - b))) as Histogram;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, family] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${name} ${family.help.replace(/\n/g, ' ')}`, `# TYPE ${name} ${family.type}`, ...family.render(name));
    }
    return `${lines.join('\n')}\n`;
  }

  private family(name: string, type: Family['type'], create: () => Family): Family {
    if (!NAME.test(name)) throw new Error(`invalid metric name "${name}"`);
    const existing = this.families.get(name);
    if (existing) {
      if (existing.type !== type) throw new Error(`metric "${name}" is already registered as a ${existing.type}`);
      return existing;
    }
    const created = create();
    this.families.set(name, created);
    return created;
  }
}

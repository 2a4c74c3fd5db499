/** Samples of a Prometheus text exposition, by series (`name` or `name{labels}` as written). */
export type Samples = Map<string, number>;

/**
 * Parses the Prometheus text format (what etcd's /metrics serves): one sample per line,
 * `# HELP` / `# TYPE` comments skipped, an optional timestamp after the value ignored.
 * A line that is not a sample throws with its number, so a wrong endpoint is noticed.
 */
export function parsePrometheusText(text: string): Samples {
  const samples: Samples = new Map();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const close = line.lastIndexOf('}');
    const seriesEnd = close >= 0 ? close + 1 : line.indexOf(' ');
    const series = line.slice(0, seriesEnd);
    const value = Number(line.slice(seriesEnd).trim().split(/\s+/)[0]);
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?$/.test(series) || Number.isNaN(value)) throw new Error(`line ${index + 1} of the metrics is not a Prometheus sample: "${line.slice(0, 80)}"`);
    samples.set(series, value);
  }
  return samples;
}

/** A histogram's cumulative buckets ({le → count}) and count, read from samples. */
export interface Histogram {
  buckets: Array<[number, number]>;
  count: number;
}

export function histogram(samples: Samples, name: string): Histogram | undefined {
  const count = samples.get(`${name}_count`);
  if (count === undefined) return undefined;
  const buckets: Array<[number, number]> = [];
  const prefix = `${name}_bucket{le="`;
  for (const [series, value] of samples) {
    if (series.startsWith(prefix)) buckets.push([Number(series.slice(prefix.length, series.indexOf('"', prefix.length)).replace('+Inf', 'Infinity')), value]);
  }
  buckets.sort((a, b) => a[0] - b[0]);
  return { buckets, count };
}

/**
 * The q-quantile of what a histogram observed between two scrapes (upper bound of the bucket
 * it falls in), with how many observations that was; undefined when nothing was observed.
 */
export function intervalQuantile(before: Histogram, after: Histogram, q: number): { value: number; observations: number } | undefined {
  const observations = after.count - before.count;
  if (observations <= 0) return undefined;
  const earlier = new Map(before.buckets);
  const target = q * observations;
  for (const [le, cumulative] of after.buckets) {
    if (cumulative - (earlier.get(le) ?? 0) >= target) return { value: le, observations };
  }
  return { value: Number.POSITIVE_INFINITY, observations };
}

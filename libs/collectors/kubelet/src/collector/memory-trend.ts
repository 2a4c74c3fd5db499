export interface TrendEstimate {
  growthBytesPerMinute: number;
  minutesToLimit: number;
  samples: number;
  /** How well the line fits the samples: the coefficient of determination (R²), 0..1. */
  fit: number;
}

interface Point {
  at: number;
  bytes: number;
}

/**
 * Per container, the working set samples of the last window and the least-squares line
 * through them: growing toward the limit, when does it reach it. Reported once per
 * approach: again only after the estimate halved, or after the container stopped approaching
 * or restarted.
 */
export class MemoryTrends {
  private readonly points = new Map<string, Point[]>();
  private readonly reported = new Map<string, number>();

  constructor(private readonly options: { windowMs: number; minSamples: number; minSpanMs: number; horizonMinutes: number; minFit?: number }) {}

  /** Adds a sample; returns an estimate when it should be reported now. */
  add(key: string, at: number, bytes: number, limitBytes: number | undefined): TrendEstimate | undefined {
    let series = (this.points.get(key) ?? []).filter((point) => point.at > at - this.options.windowMs && point.at < at);
    // A working set that fell by half is a restarted container (an OOM kill): a new series.
    const previous = series[series.length - 1];
    if (previous && bytes < previous.bytes / 2) {
      series = [];
      this.reported.delete(key);
    }
    series.push({ at, bytes });
    this.points.set(key, series);
    const estimate = limitBytes ? this.estimate(series, limitBytes) : undefined;
    // A line that fits the samples poorly is jitter around a level, not growth: no trend to predict from.
    if (!estimate || estimate.minutesToLimit > this.options.horizonMinutes || estimate.fit < (this.options.minFit ?? 0)) {
      this.reported.delete(key);
      return undefined;
    }
    const last = this.reported.get(key);
    // Again only when the estimate halved, and not in the last minute, when it tells nothing new.
    if (last !== undefined && (estimate.minutesToLimit > last / 2 || estimate.minutesToLimit < 1)) return undefined;
    this.reported.set(key, estimate.minutesToLimit);
    return estimate;
  }

  retain(keys: ReadonlySet<string>): void {
    for (const key of this.points.keys()) {
      if (keys.has(key)) continue;
      this.points.delete(key);
      this.reported.delete(key);
    }
  }

  private estimate(series: Point[], limitBytes: number): TrendEstimate | undefined {
    // A container that just started fills up to its steady state: not a trend until the samples span minSpanMs.
    if (series.length < this.options.minSamples || (series[series.length - 1] as Point).at - (series[0] as Point).at < this.options.minSpanMs) return undefined;
    const n = series.length;
    const meanT = series.reduce((sum, point) => sum + point.at, 0) / n;
    const meanB = series.reduce((sum, point) => sum + point.bytes, 0) / n;
    let covariance = 0;
    let variance = 0;
    for (const point of series) {
      covariance += (point.at - meanT) * (point.bytes - meanB);
      variance += (point.at - meanT) ** 2;
    }
    if (variance === 0) return undefined;
    const bytesPerMs = covariance / variance;
    if (bytesPerMs <= 0) return undefined;
    const latest = series[n - 1] as Point;
    const remaining = Math.max(0, limitBytes - latest.bytes);
    const growthBytesPerMinute = bytesPerMs * 60_000;
    let residual = 0;
    let spread = 0;
    for (const point of series) {
      residual += (point.bytes - (meanB + bytesPerMs * (point.at - meanT))) ** 2;
      spread += (point.bytes - meanB) ** 2;
    }
    const fit = spread === 0 ? 1 : Math.max(0, 1 - residual / spread);
    return { growthBytesPerMinute: Math.round(growthBytesPerMinute), minutesToLimit: Math.round((remaining / growthBytesPerMinute) * 10) / 10, samples: n, fit: Math.round(fit * 1000) / 1000 };
  }
}

interface Reported {
  at: number;
  shares: number[];
}

/**
 * Which samples become events: reporting every container on every poll would cost a busy
 * node tens of events a second for nothing. A sample is reported while any usage share is at
 * or above `reportPercent` of its limit (what the patterns look for), when a share moved by
 * `changePoints` since the last report, and at least every `everyMs`.
 */
export class ReportPolicy {
  private readonly last = new Map<string, Reported>();

  constructor(private readonly options: { reportPercent: number; changePoints: number; everyMs: number }) {}

  shouldReport(key: string, shares: number[], now: number): boolean {
    const before = this.last.get(key);
    const due =
      !before ||
      now - before.at >= this.options.everyMs ||
      shares.some((share) => share >= this.options.reportPercent) ||
      shares.length !== before.shares.length ||
      shares.some((share, index) => Math.abs(share - (before.shares[index] as number)) >= this.options.changePoints);
    if (due) this.last.set(key, { at: now, shares });
    return due;
  }

  /** Forgets the keys not seen in the last poll (containers and pods that are gone). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.last.keys()) if (!keys.has(key)) this.last.delete(key);
  }
}

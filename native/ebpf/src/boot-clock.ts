import { loadAddon } from './addon.js';

/**
 * Turns BPF timestamps (CLOCK_BOOTTIME, ns) into wall-clock time. The offset is read
 * once per session and refreshed on demand (after a suspend or a clock step).
 */
export class BootClock {
  private offsetNs: bigint;

  constructor(offsetNs?: bigint) {
    this.offsetNs = offsetNs ?? loadAddon().bootToWallOffsetNs();
  }

  refresh(): void {
    this.offsetNs = loadAddon().bootToWallOffsetNs();
  }

  toEpochMs(bootNs: bigint): number {
    return Number((bootNs + this.offsetNs) / 1_000_000n);
  }

  private lastMs = Number.NaN;
  private lastIso = '';

  /** Memoised per millisecond: bursts of events share one formatting. */
  toIso(bootNs: bigint): string {
    const ms = this.toEpochMs(bootNs);
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }
}

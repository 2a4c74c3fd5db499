/** Exponential backoff with jitter, reset after a success. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Multiplier per consecutive failure. */
  factor: number;
  /** Fraction of the delay added or removed at random, so many informers do not retry in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

export class Backoff {
  private failures = 0;

  constructor(
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt, growing with each consecutive failure. */
  nextDelayMs(): number {
    const base = Math.min(this.policy.maxMs, this.policy.initialMs * this.policy.factor ** this.failures);
    this.failures += 1;
    const spread = base * this.policy.jitter * (this.random() * 2 - 1);
    return Math.max(0, Math.round(Math.min(this.policy.maxMs, base + spread)));
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  reset(): void {
    this.failures = 0;
  }
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

import type { CircuitBreakerPolicy, IPolicy } from 'cockatiel';
import type { Metrics } from '../ports/metrics.js';
import { CircuitReport, type CircuitPosition } from './circuit-report.js';

export interface CircuitBreakerSettings {
  /** Counted failures in a row that open the breaker. */
  failures: number;
  /** How long it stays open before one call may try again (half-open). */
  halfOpenAfterMs: number;
  /** A call that has not answered by then fails (CircuitTimeoutError) and counts; none: calls may take as long as they take. */
  timeoutMs?: number;
}

export interface CircuitBreakerOptions {
  /** The far side, as error messages name it ("Neo4j at bolt://db:7687", "the kubelet at https://..."). */
  target: string;
  /** Where `tapio_circuit_*` goes; none: the state is only in `report`. */
  metrics?: Metrics;
  /** Whether a failure says the far side is out (counts toward opening); default: every failure. A timeout always counts. */
  counts?: (error: unknown) => boolean;
  /** How a failure reads in health (`lastFailure`); default: its message. */
  describe?: (error: unknown) => string;
}

/** The breaker refused the call: the far side failed repeatedly and has not been tried again yet. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
}

/** A call gave up waiting (`timeoutMs`); its signal was aborted. */
export class CircuitTimeoutError extends Error {
  override readonly name = 'CircuitTimeoutError';
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const marked = (error: unknown, mark: string): boolean => typeof error === 'object' && error !== null && mark in error;

type Cockatiel = typeof import('cockatiel');

/**
 * Tapio's one circuit breaker, around any outward call (Neo4j, a sink, the NATS publisher, a
 * collector's poll or stream start): cockatiel's breaker counting failures in a row, with an
 * optional timeout. After `failures` counted failures in a row it opens: calls fail at once
 * with CircuitOpenError (counted as refused) instead of each waiting on the far side, until
 * `halfOpenAfterMs` later one call tries again (half-open; calls arriving meanwhile wait for
 * it): success closes it, failure opens it again. The state is in `report` (health details,
 * `tapio_circuit_*` metrics).
 *
 * cockatiel is imported on the first call (or `ready()`), not with this module, so a command
 * that runs no breaker (`tapio analyze`) never loads it. Once loaded, `run` calls `work`
 * synchronously, so a caller batching its writes in one event-loop turn keeps doing so.
 */
export class CircuitBreaker {
  readonly report: CircuitReport;
  private policy: IPolicy | undefined;
  private loading: Promise<IPolicy> | undefined;
  private openedAt = 0;
  private readonly listeners: Array<(state: CircuitPosition) => void> = [];

  constructor(
    name: string,
    readonly settings: CircuitBreakerSettings,
    private readonly options: CircuitBreakerOptions,
  ) {
    this.report = new CircuitReport(name, options.metrics);
  }

  get name(): string {
    return this.report.circuit;
  }

  get state(): CircuitPosition {
    return this.report.state;
  }

  /** While open: how long until one call may try again (0 when it may now, or when not open). */
  retryInMs(now = Date.now()): number {
    return this.state === 'open' ? Math.max(0, this.openedAt + this.settings.halfOpenAfterMs - now) : 0;
  }

  /** `listener` hears every change of state, after the report moved. */
  onStateChange(listener: (state: CircuitPosition) => void): void {
    this.listeners.push(listener);
  }

  /** Loads cockatiel now; afterwards `run` starts `work` in the same turn. */
  async ready(): Promise<void> {
    await this.load();
  }

  /**
   * Runs `work` through the breaker. Throws CircuitOpenError while open, CircuitTimeoutError
   * for a call that did not answer within `timeoutMs` (its `signal` aborts then: work still
   * running must not commit anything), and otherwise whatever `work` threw.
   */
  run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.policy ? this.execute(this.policy, work) : this.load().then((policy) => this.execute(policy, work));
  }

  private async execute<T>(policy: IPolicy, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await policy.execute(({ signal }: { signal: AbortSignal }) => work(signal));
    } catch (error) {
      if (marked(error, 'isBrokenCircuitError') || marked(error, 'isIsolatedCircuitError')) {
        this.report.refused();
        const details = this.report.details();
        throw new CircuitOpenError(`${this.options.target}: circuit ${this.name} open since ${details.since} (${details.lastFailure ?? 'repeated failures'}); tried again ${this.settings.halfOpenAfterMs} ms after it opened`, { cause: error });
      }
      if (marked(error, 'isTaskCancelledError')) throw new CircuitTimeoutError(`${this.options.target} did not answer within ${this.settings.timeoutMs} ms`, { cause: error });
      throw error;
    }
  }

  private load(): Promise<IPolicy> {
    this.loading ??= import('cockatiel').then((cockatiel) => (this.policy = this.build(cockatiel)));
    return this.loading;
  }

  private build(cockatiel: Cockatiel): IPolicy {
    const { circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen, timeout, TimeoutStrategy, wrap } = cockatiel;
    const counts = this.options.counts ?? (() => true);
    const outage = handleWhen((error) => marked(error, 'isTaskCancelledError') || counts(error));
    const breaker: CircuitBreakerPolicy = circuitBreaker(outage, { halfOpenAfter: this.settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(this.settings.failures) });
    const positions: Record<number, CircuitPosition> = { [CircuitState.Closed]: 'closed', [CircuitState.Open]: 'open', [CircuitState.HalfOpen]: 'half-open', [CircuitState.Isolated]: 'open' };
    const describe = this.options.describe ?? messageOf;
    breaker.onStateChange((state) => {
      const position = positions[state] ?? 'open';
      if (position === 'open') this.openedAt = Date.now();
      const failure = breaker.lastFailure;
      this.report.moved(position, failure && 'error' in failure ? describe(failure.error) : undefined);
      for (const listener of this.listeners) listener(position);
    });
    // Aggressive: the caller is released at the timeout even when the work cannot be aborted.
    return this.settings.timeoutMs === undefined ? breaker : wrap(breaker, timeout(this.settings.timeoutMs, TimeoutStrategy.Aggressive));
  }
}

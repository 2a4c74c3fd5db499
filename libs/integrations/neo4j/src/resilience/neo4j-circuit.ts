import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen, TaskCancelledError, timeout, TimeoutStrategy, wrap, type CircuitBreakerPolicy, type IPolicy } from 'cockatiel';
import { CircuitReport, type CircuitPosition, type Metrics } from '@tapio/domain';
import { classifyFailure, messageOf } from '../write/error-kinds.js';

export interface CircuitSettings {
  /** Consecutive failed or hung calls that open the breaker. */
  failures: number;
  /** How long it stays open before one call may try again (half-open). */
  halfOpenAfterMs: number;
  /** A call that has not answered by then counts as failed (Neo4j hung: a stopped process, a full disk). */
  timeoutMs: number;
}

const POSITIONS: Record<CircuitState, CircuitPosition> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/** The breaker refused the call: Neo4j failed or hung repeatedly and has not been tried again yet. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
}

/** A call gave up waiting for Neo4j. */
export class Neo4jTimeoutError extends Error {
  override readonly name = 'Neo4jTimeoutError';
}

/**
 * A circuit breaker (cockatiel) with a timeout around one kind of call to Neo4j (writes or
 * reads). Only outages count: Neo4j unreachable, refusing us, or not answering within
 * `timeoutMs`; a value Neo4j refuses or a caller's mistake does not. After `failures` of
 * them in a row the breaker opens and calls fail at once with CircuitOpenError (so a hung
 * Neo4j costs no request its whole timeout), until after `halfOpenAfterMs` one call tries
 * again: success closes it, failure opens it again. Its state is in health and metrics.
 */
export class Neo4jCircuit {
  readonly report: CircuitReport;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;

  constructor(
    name: string,
    private readonly settings: CircuitSettings,
    private readonly target: string,
    metrics?: Metrics,
  ) {
    this.report = new CircuitReport(name, metrics);
    const outage = handleWhen((error) => error instanceof TaskCancelledError || error instanceof Neo4jTimeoutError || classifyFailure(error) !== 'reject');
    this.breaker = circuitBreaker(outage, { halfOpenAfter: settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(settings.failures) });
    this.breaker.onStateChange((state) => {
      const failure = this.breaker.lastFailure;
      this.report.moved(POSITIONS[state], failure && 'error' in failure ? messageOf(failure.error) : undefined);
    });
    // Aggressive: the caller is released at the timeout even though the driver cannot abort the call.
    this.policy = wrap(this.breaker, timeout(settings.timeoutMs, TimeoutStrategy.Aggressive));
  }

  get state(): CircuitPosition {
    return this.report.state;
  }

  /**
   * Runs `work` through the breaker; throws CircuitOpenError while it is open and
   * Neo4jTimeoutError for a call that hung. `signal` aborts when the call timed out: work
   * still running then must not commit anything (a retry is under way).
   */
  async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(({ signal }: { signal: AbortSignal }) => work(signal));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        this.report.refused();
        const details = this.report.details();
        throw new CircuitOpenError(`${this.target}: circuit ${this.report.circuit} open since ${details.since} (${details.lastFailure ?? 'repeated failures'}); tried again ${this.settings.halfOpenAfterMs} ms after it opened`, { cause: error });
      }
      if (error instanceof TaskCancelledError) throw new Neo4jTimeoutError(`${this.target} did not answer within ${this.settings.timeoutMs} ms`, { cause: error });
      throw error;
    }
  }
}

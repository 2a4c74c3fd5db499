import type { ComponentHealth } from '../ports/health.js';
import type { Metrics } from '../ports/metrics.js';
import { CircuitBreaker, CircuitOpenError } from '../resilience/circuit-breaker.js';
import { withCircuit } from '../resilience/circuit-health.js';

export interface StreamRestartsOptions {
  /** First wait before starting the stream again; doubles with each restart up to maxRetryMs. */
  retryMs: number;
  maxRetryMs: number;
  /** (Re)starts the stream: resolves with why it could not (the circuit counts it), or nothing once it runs. */
  start: () => Promise<string | undefined>;
  /** A start that threw (a bug, not an unreachable component): it is tried again all the same. */
  onError: (error: unknown) => void;
  /**
   * The circuit breaker around the starts (`collector:<id>`): after `failures` failed starts
   * in a row none is tried until `halfOpenAfterMs` later, whatever the back-off says.
   */
  circuit: { name: string; target: string; failures: number; halfOpenAfterMs: number; metrics?: Metrics };
}

/** A start that found the component failing: what the circuit counts. */
class StartFailed extends Error {}

/**
 * The lifecycle every streaming collector repeats (containerd's event stream, journalctl):
 * start the stream; when it cannot start, or breaks later (`restartLater`), start it again
 * after a back-off that doubles up to `maxRetryMs` and returns to `retryMs` once a stream
 * ran (`ran`); each start goes through a CircuitBreaker, so a component that keeps failing
 * is left alone until the breaker half-opens. Timers are unref'd.
 */
export class StreamRestarts {
  readonly circuit: CircuitBreaker;
  private delayMs: number;
  private timer: NodeJS.Timeout | undefined;
  private active = false;

  constructor(private readonly options: StreamRestartsOptions) {
    const { name, target, failures, halfOpenAfterMs, metrics } = options.circuit;
    this.circuit = new CircuitBreaker(name, { failures, halfOpenAfterMs }, { target, metrics, counts: (error) => error instanceof StartFailed });
    this.delayMs = options.retryMs;
  }

  /** Resolves after the first start (health then says whether the stream runs). */
  async start(): Promise<void> {
    if (this.active) return;
    this.active = true;
    await this.attempt();
  }

  stop(): void {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The stream ended or broke: start it again after the back-off, and no sooner than the circuit lets it. */
  restartLater(): void {
    if (!this.active) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.attempt(), Math.max(this.delayMs, this.circuit.retryInMs()));
    this.timer.unref();
    this.delayMs = Math.min(this.delayMs * 2, this.options.maxRetryMs);
  }

  /** The stream has been running: the next restart waits the base delay again. */
  ran(): void {
    this.delayMs = this.options.retryMs;
  }

  /** `degraded` with the failure, and the circuit's state (see withCircuit). */
  health(failure: string | undefined, details: NonNullable<ComponentHealth['details']>): ComponentHealth {
    return withCircuit(this.circuit, failure, details, 'restarts paused');
  }

  private async attempt(): Promise<void> {
    if (!this.active) return;
    try {
      await this.circuit.run(async () => {
        // The first run waits for the breaker to load: stopped meanwhile, nothing starts.
        if (!this.active) return;
        const failure = await this.options.start();
        if (failure !== undefined) throw new StartFailed(failure);
      });
    } catch (error) {
      // A failed start is in the collector's health already; one the open circuit refused is counted there.
      if (!(error instanceof StartFailed || error instanceof CircuitOpenError)) this.options.onError(error);
      this.restartLater();
    }
  }
}

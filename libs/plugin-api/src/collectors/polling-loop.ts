import type { ComponentHealth } from '../ports/health.js';
import type { Metrics } from '../ports/metrics.js';
import { CircuitBreaker, CircuitOpenError } from '../resilience/circuit-breaker.js';
import { withCircuit } from '../resilience/circuit-health.js';

export interface PollingLoopOptions {
  /** Pause between the end of one poll and the start of the next. */
  intervalMs: number;
  /**
   * One look at the component; what it finds it emits itself. Resolves with why the
   * component failed (unreachable, an answer Tapio cannot read: the circuit counts it), or
   * nothing when it answered.
   */
  poll: () => Promise<string | undefined | void>;
  /** A poll that threw (a bug, not an unreachable component, which a poll reports in health): the loop goes on. */
  onError: (error: unknown) => void;
  /**
   * A circuit breaker around the polls (`collector:<id>`): after `failures` failed polls in a
   * row the component is left alone (polls are skipped and counted as refused) until,
   * `halfOpenAfterMs` later, one poll tries again.
   */
  circuit?: { name: string; target: string; failures: number; halfOpenAfterMs: number; metrics?: Metrics };
}

/** A poll that found the component failing: what the circuit counts. */
class PollFailed extends Error {}

/**
 * The lifecycle every polling collector repeats (kubelet, etcd, the CNI spool): `start` runs
 * the first poll and resolves after it, so health already says whether the component answered;
 * then one poll `intervalMs` after the previous one finished, never two at once, so a slow
 * component makes polls rarer instead of piling them up; `stop` starts no new poll and waits for
 * the one in flight, so nothing a poll took is dropped half-emitted. `pollNow` runs one more poll
 * in the same queue (a file watcher's nudge). Timers are unref'd: a loop keeps no process alive.
 * With `circuit`, each poll runs through a CircuitBreaker, so a component that keeps failing
 * is not asked again every interval; its state is in health and `tapio_circuit_*`.
 */
export class PollingLoop {
  readonly circuit: CircuitBreaker | undefined;
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private active = false;

  constructor(private readonly options: PollingLoopOptions) {
    const circuit = options.circuit;
    if (circuit) this.circuit = new CircuitBreaker(circuit.name, { failures: circuit.failures, halfOpenAfterMs: circuit.halfOpenAfterMs }, { target: circuit.target, metrics: circuit.metrics, counts: (error) => error instanceof PollFailed });
  }

  get running(): boolean {
    return this.active;
  }

  /** False when it was already running (a second start does nothing). */
  async start(): Promise<boolean> {
    if (this.active) return false;
    this.active = true;
    await this.tick();
    return true;
  }

  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.queue;
  }

  /** One poll after those queued; none once stopped. */
  pollNow(): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (!this.active) return;
      try {
        await this.pollOnce();
      } catch (error) {
        this.options.onError(error);
      }
    });
    return this.queue;
  }

  /**
   * `stopped` before start and after stop; `degraded` with the reason while the last poll
   * found the component failing (`failure`); `ok` otherwise.
   */
  health(failure: string | undefined, details: NonNullable<ComponentHealth['details']>): ComponentHealth {
    if (!this.active) return { status: 'stopped' };
    if (this.circuit) return withCircuit(this.circuit, failure, details, 'polls paused');
    return failure === undefined ? { status: 'ok', details } : { status: 'degraded', reason: failure, details };
  }

  private async pollOnce(): Promise<void> {
    const circuit = this.circuit;
    if (!circuit) {
      await this.options.poll();
      return;
    }
    try {
      await circuit.run(async () => {
        // The first run waits for the breaker to load: stopped meanwhile, nothing is polled.
        if (!this.active) return;
        const failure = await this.options.poll();
        if (typeof failure === 'string') throw new PollFailed(failure);
      });
    } catch (error) {
      // The failure is in the collector's health already; a skipped poll is counted as refused.
      if (error instanceof PollFailed || error instanceof CircuitOpenError) return;
      throw error;
    }
  }

  private async tick(): Promise<void> {
    await this.pollNow();
    if (!this.active) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }
}

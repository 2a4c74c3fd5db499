import type { CounterMetric, GaugeMetric, Metrics } from '../ports/metrics.js';

/** Where a circuit breaker stands: calls go through (closed), fail fast (open), or one goes through as a trial (half-open). */
export type CircuitPosition = 'closed' | 'open' | 'half-open';
export const CIRCUIT_POSITIONS: readonly CircuitPosition[] = ['closed', 'open', 'half-open'];

/** A breaker's state as health details show it. */
export interface CircuitDetails {
  state: CircuitPosition;
  /** When it last changed state (ISO time). */
  since: string;
  /** How often it opened since start. */
  opened: number;
  /** Calls refused at once while it was open. */
  refused: number;
  /** The failure that opened it last. */
  lastFailure?: string;
}

/**
 * The three circuit-breaker families. Declared by every breaker and, at start, by the app in
 * every mode: a process with no breaker yet (embedded bus, memory graph, no sinks) still lists
 * them, so dashboards and alerts on them work alike in every mode.
 */
export function circuitMetrics(metrics: Metrics): { state: GaugeMetric; opened: CounterMetric; refused: CounterMetric } {
  return {
    state: metrics.gauge('tapio_circuit_state', 'Circuit breakers around outward calls: 1 for the state each is in (closed, open, half-open)', ['circuit', 'state']),
    opened: metrics.counter('tapio_circuit_opened_total', 'Times a circuit breaker opened (its call failed repeatedly or hung)', ['circuit']),
    refused: metrics.counter('tapio_circuit_refused_total', 'Calls a circuit breaker refused at once because it was open', ['circuit']),
  };
}

/**
 * Publishes the state of one circuit breaker (whatever library runs it) as metrics and
 * health details: `tapio_circuit_state{circuit,state}` (1 for the current state, 0 for the
 * others), `tapio_circuit_opened_total{circuit}` and `tapio_circuit_refused_total{circuit}`.
 * `circuit` names the outward call: `neo4j-write`, `neo4j-read`, `sink:<id>`, `nats-publish`,
 * `collector:<id>`. CircuitBreaker keeps one up to date; anything else that runs a breaker may too.
 */
export class CircuitReport {
  private position: CircuitPosition = 'closed';
  private changedAt = new Date().toISOString();
  private openings = 0;
  private refusals = 0;
  private failure: string | undefined;
  private readonly gauge: GaugeMetric | undefined;
  private readonly openedTotal: CounterMetric | undefined;
  private readonly refusedTotal: CounterMetric | undefined;

  constructor(
    readonly circuit: string,
    metrics?: Metrics,
  ) {
    if (metrics) ({ state: this.gauge, opened: this.openedTotal, refused: this.refusedTotal } = circuitMetrics(metrics));
    this.publish();
  }

  get state(): CircuitPosition {
    return this.position;
  }

  moved(position: CircuitPosition, failure?: string): void {
    if (position === this.position) return;
    if (position === 'open') {
      this.openings += 1;
      this.openedTotal?.inc({ circuit: this.circuit });
      if (failure !== undefined) this.failure = failure;
    }
    this.position = position;
    this.changedAt = new Date().toISOString();
    this.publish();
  }

  refused(): void {
    this.refusals += 1;
    this.refusedTotal?.inc({ circuit: this.circuit });
  }

  details(): CircuitDetails {
    return { state: this.position, since: this.changedAt, opened: this.openings, refused: this.refusals, ...(this.failure !== undefined ? { lastFailure: this.failure } : {}) };
  }

  /** The details as flat health details: `<prefix>State`, `<prefix>Since`, ... (health details hold plain values). */
  flatDetails(prefix: string): Record<string, string | number> {
    const details = this.details();
    return {
      [`${prefix}State`]: details.state,
      [`${prefix}Since`]: details.since,
      [`${prefix}Opened`]: details.opened,
      [`${prefix}Refused`]: details.refused,
      ...(details.lastFailure !== undefined ? { [`${prefix}LastFailure`]: details.lastFailure } : {}),
    };
  }

  private publish(): void {
    for (const state of CIRCUIT_POSITIONS) this.gauge?.set(state === this.position ? 1 : 0, { circuit: this.circuit, state });
  }
}

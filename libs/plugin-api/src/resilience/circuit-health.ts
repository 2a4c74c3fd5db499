import type { ComponentHealth } from '../ports/health.js';
import type { CircuitBreaker } from './circuit-breaker.js';

/**
 * A collector's health with its circuit breaker: the breaker's state in the details
 * (`circuitState`, `circuitSince`, ...), and while it is not closed `degraded`, saying what
 * is paused and when it is tried again, whatever the collector last saw.
 */
export function withCircuit(circuit: CircuitBreaker, failure: string | undefined, details: NonNullable<ComponentHealth['details']>, paused: string): ComponentHealth {
  const all = { ...details, ...circuit.report.flatDetails('circuit') };
  if (circuit.state !== 'closed') {
    const next = circuit.state === 'open' ? `${paused}, next try in ${Math.ceil(circuit.retryInMs() / 1000)} s` : 'one attempt is trying again';
    return { status: 'degraded', reason: `${failure ?? 'failing'}; circuit ${circuit.name} ${circuit.state} since ${circuit.report.details().since}: ${next}`, details: all };
  }
  return failure === undefined ? { status: 'ok', details: all } : { status: 'degraded', reason: failure, details: all };
}

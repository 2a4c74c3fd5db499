import { CircuitBreaker, type CircuitBreakerSettings, type Metrics } from '@tapio/domain';
import { classifyFailure, messageOf } from '../write/error-kinds.js';

/**
 * The circuit breaker around one kind of call to Neo4j (writes or reads): Tapio's
 * CircuitBreaker with a timeout, counting only outages (Neo4j unreachable, refusing us, or
 * not answering within `timeoutMs`), never a value Neo4j refuses or a caller's mistake.
 * Open, calls fail at once with CircuitOpenError, so a hung Neo4j costs no request its whole
 * timeout; a call that hung fails with CircuitTimeoutError and its signal aborts.
 */
export function neo4jCircuit(name: 'neo4j-write' | 'neo4j-read', settings: Required<CircuitBreakerSettings>, target: string, metrics?: Metrics): CircuitBreaker {
  return new CircuitBreaker(name, settings, { target, metrics, counts: (error) => classifyFailure(error) !== 'reject', describe: messageOf });
}

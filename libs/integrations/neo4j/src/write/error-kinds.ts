import { isRetryableError, Neo4jError } from 'neo4j-driver';

/**
 * What to do about a failed write:
 *  - `retry`: Neo4j is unreachable, restarting or briefly overloaded; keep the batch and try again;
 *  - `blocked`: Neo4j refuses us until an operator acts (credentials, missing database); keep the
 *    batch, report `down`, and keep trying;
 *  - `reject`: this data cannot be written (a value Neo4j refuses); isolate and dead-letter it.
 */
export type FailureKind = 'retry' | 'blocked' | 'reject';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

export function classifyFailure(error: unknown): FailureKind {
  // Refused by the open circuit breaker, or timed out (a hung Neo4j): an outage, never the data's fault.
  if (error instanceof Error && (error.name === 'CircuitOpenError' || error.name === 'CircuitTimeoutError' || 'isTaskCancelledError' in error || 'isBrokenCircuitError' in error)) return 'retry';
  if (error instanceof Neo4jError) {
    if (isRetryableError(error) || error.code === 'ServiceUnavailable' || error.code === 'SessionExpired') return 'retry';
    if (error.code.startsWith('Neo.TransientError.')) return 'retry';
    if (error.code.startsWith('Neo.ClientError.Security.') || error.code === 'Neo.ClientError.Database.DatabaseNotFound') return 'blocked';
    if (error.code.startsWith('Neo.DatabaseError.') || error.code.startsWith('Neo.ClientError.Cluster.')) return 'retry';
    return 'reject';
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'retry';
  return 'reject';
}

/** A uniqueness constraint refused a write: for Tapio's writes, an event id stored before. */
export function isConstraintViolation(error: unknown): boolean {
  return error instanceof Neo4jError && error.code === 'Neo.ClientError.Schema.ConstraintValidationFailed';
}

export function messageOf(error: unknown): string {
  if (error instanceof Neo4jError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

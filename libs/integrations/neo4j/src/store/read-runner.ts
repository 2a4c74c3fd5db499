import type { Driver, ManagedTransaction } from 'neo4j-driver';
import type { CircuitBreaker } from '@tapio/domain';

/** Runs one unit of read work in a managed read transaction of its own session. */
export type ReadRunner = <T>(work: (tx: ManagedTransaction) => Promise<T>) => Promise<T>;

/**
 * The read transactions the reader and the questions share: each read in a session of its
 * own, failures named with the target (cursor errors pass through as the caller's mistake).
 * `driverOf` returns the running store's driver, or throws when it is not started. Reads
 * go through the read circuit breaker: while Neo4j hangs or is down they fail at once
 * (after the first few timed out) instead of each waiting for its timeout.
 */
export function readRunner(driverOf: () => Driver, database: string, target: string, circuit: CircuitBreaker): ReadRunner {
  return async <T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> => {
    const driver = driverOf();
    try {
      return await circuit.run(async () => {
        const session = driver.session({ database, defaultAccessMode: 'READ' });
        try {
          return await session.executeRead(work);
        } finally {
          await session.close();
        }
      });
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('invalid cursor')) throw error;
      if (error instanceof Error && error.name === 'CircuitOpenError') throw error;
      throw new Error(`${target} read failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
}

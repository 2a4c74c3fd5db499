import type { Driver, ManagedTransaction } from 'neo4j-driver';

/** Runs one unit of read work in a managed read transaction of its own session. */
export type ReadRunner = <T>(work: (tx: ManagedTransaction) => Promise<T>) => Promise<T>;

/**
 * The read transactions the reader and the questions share: each read in a session of its
 * own, failures named with the target (cursor errors pass through as the caller's mistake).
 * `driverOf` returns the running store's driver, or throws when it is not started.
 */
export function readRunner(driverOf: () => Driver, database: string, target: string): ReadRunner {
  return async <T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> => {
    const session = driverOf().session({ database, defaultAccessMode: 'READ' });
    try {
      return await session.executeRead(work);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('invalid cursor')) throw error;
      throw new Error(`${target} read failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      await session.close();
    }
  };
}

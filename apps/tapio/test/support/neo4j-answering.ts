import type { Driver } from 'neo4j-driver';
import { waitFor } from './tapio-process.js';

/**
 * Waits until Neo4j answers a query through `driver`, not only accepts Bolt connections: the
 * launcher says ready when Bolt listens, but at a load average of 35 on the shared 2-core
 * machine its first queries took over 5 s (the JVM still compiling), longer than the read
 * timeout a test gives Tapio, which then stopped at start. A test starts Tapio only after this.
 */
export async function neo4jAnswering(driver: Driver, timeoutMs = 300_000): Promise<void> {
  let last = '';
  await waitFor(
    'Neo4j answering queries',
    async () => {
      try {
        await driver.executeQuery('RETURN 1 AS one');
        return true;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
        return undefined;
      }
    },
    timeoutMs,
    () => `last error: ${last}`,
    500,
  );
}

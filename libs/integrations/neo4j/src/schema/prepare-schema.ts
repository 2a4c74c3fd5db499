import type { Driver } from 'neo4j-driver';
import { schemaStatements } from './graph-schema.js';

/**
 * Creates the constraints and indexes, waits for them to come online, and gives insights
 * stored before ABOUT edges existed those edges (a no-op afterwards).
 */
export async function prepareSchema(driver: Driver, database: string): Promise<void> {
  const session = driver.session({ database });
  try {
    // In write transactions, so the driver retries transient failures: several Tapio
    // processes starting at once against one Neo4j deadlock on the schema locks.
    for (const statement of schemaStatements()) {
      try {
        await session.executeWrite((tx) => tx.run(statement));
      } catch (error) {
        // Another process created the same index or constraint at the same moment.
        if (!/AlreadyExists/.test((error as { code?: string }).code ?? '')) throw error;
      }
    }
    await session.run('CALL db.awaitIndexes(300)');
    await session.executeWrite((tx) =>
      tx.run(
        `MATCH (i:Insight) WHERE i.entity_keys IS NOT NULL AND NOT (i)-[:ABOUT]->()
         UNWIND i.entity_keys AS key MATCH (r:Resource {key: key}) MERGE (i)-[:ABOUT]->(r)`,
      ),
    );
  } finally {
    await session.close();
  }
}

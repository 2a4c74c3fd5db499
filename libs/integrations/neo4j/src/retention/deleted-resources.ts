import type { Driver } from 'neo4j-driver';
import { toInteger } from '../codec/temporal.js';

export interface DeletedResourceSettings {
  database: string;
  /** Deleted resource nodes kept; the ones deleted longest ago go beyond it. */
  maxDeleted: number;
  /** Nodes removed per transaction. */
  chunk: number;
}

/**
 * Bounds the resource nodes of deleted objects, as the memory store's topology does: a
 * deleted object keeps its node (marked `deleted`, without topology edges) so events about
 * it still resolve, but only the newest `maxDeleted` of them; beyond it the ones deleted
 * longest ago (`updated_at`, set by the deletion) are removed with their relationships.
 * Their events stay (they name the object in their own properties). An object created again
 * is live (`deleted = false`) and does not count. Returns how many nodes were removed.
 */
export async function pruneDeletedResources(driver: Driver, settings: DeletedResourceSettings): Promise<number> {
  const session = driver.session({ database: settings.database, defaultAccessMode: 'WRITE' });
  try {
    const counted = await session.executeRead((tx) => tx.run('MATCH (r:Resource) WHERE r.deleted = true RETURN count(r) AS deleted'));
    let excess = Number(counted.records[0]?.get('deleted') ?? 0) - settings.maxDeleted;
    let removed = 0;
    while (excess > 0) {
      const take = Math.min(excess, settings.chunk);
      const result = await session.executeWrite((tx) =>
        tx.run(
          'MATCH (r:Resource) WHERE r.deleted = true WITH r ORDER BY r.updated_at ASC, r.key ASC LIMIT $take DETACH DELETE r RETURN count(*) AS removed',
          { take: toInteger(take) },
        ),
      );
      const count = Number(result.records[0]?.get('removed') ?? 0);
      removed += count;
      excess -= take;
      if (count < take) break;
    }
    return removed;
  } finally {
    await session.close();
  }
}

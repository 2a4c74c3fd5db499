import type { Driver } from 'neo4j-driver';
import { toDateTime, toInteger } from '../codec/temporal.js';

export interface RetentionSettings {
  database: string;
  /** Events older than this, relative to the newest stored event's time, are deleted. */
  maxAgeMs: number;
  /** Events deleted per transaction, so a large backlog never needs one huge transaction. */
  chunk: number;
}

/**
 * Deletes events (with their relationships) that fell out of the retention window, in
 * chunks. Age counts back from the newest event's time, not the wall clock, as in the
 * embedded store: a replayed old recording keeps its events. Resources, insights,
 * patterns, predictions and feedback stay.
 */
export async function pruneEvents(driver: Driver, settings: RetentionSettings): Promise<number> {
  const session = driver.session({ database: settings.database, defaultAccessMode: 'WRITE' });
  try {
    const newest = await session.executeRead((tx) => tx.run('MATCH (e:Event) RETURN max(e.timestamp) AS newest'));
    const value = newest.records[0]?.get('newest') as { toString(): string } | null | undefined;
    if (!value) return 0;
    const cutoff = toDateTime(new Date(Date.parse(value.toString()) - settings.maxAgeMs).toISOString());
    let deleted = 0;
    for (;;) {
      const result = await session.executeWrite((tx) =>
        tx.run('MATCH (e:Event) WHERE e.timestamp < $cutoff WITH e LIMIT $chunk DETACH DELETE e RETURN count(*) AS deleted', { cutoff, chunk: toInteger(settings.chunk) }),
      );
      const count = Number(result.records[0]?.get('deleted') ?? 0);
      deleted += count;
      if (count < settings.chunk) return deleted;
    }
  } finally {
    await session.close();
  }
}

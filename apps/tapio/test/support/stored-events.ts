import type { Driver } from 'neo4j-driver';

/**
 * How many of `ids` are stored as Event nodes in Neo4j, and how many of those more than
 * once: the exactly-once check of the tests that kill and restart Tapio's processes.
 */
export async function storedEventCopies(driver: Driver, ids: readonly string[]): Promise<{ present: number; duplicated: number }> {
  const session = driver.session();
  try {
    const result = await session.run('MATCH (e:Event) WHERE e.id IN $ids WITH e.id AS id, count(*) AS copies RETURN count(id) AS present, sum(CASE WHEN copies > 1 THEN 1 ELSE 0 END) AS duplicated', { ids });
    const record = result.records[0];
    return { present: Number(record?.get('present') ?? 0), duplicated: Number(record?.get('duplicated') ?? 0) };
  } finally {
    await session.close();
  }
}

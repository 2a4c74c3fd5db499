import type { ManagedTransaction } from 'neo4j-driver';

/** Runs one Cypher query in the read transaction and returns its rows as plain objects. */
export async function rows<T>(tx: ManagedTransaction, text: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await tx.run(text, params);
  return result.records.map((record) => record.toObject() as T);
}

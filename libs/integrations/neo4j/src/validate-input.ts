import type { z } from 'zod';

/**
 * Checks writes before they are accepted: once accepted a write is never dropped, so a
 * value Neo4j could not store has to be refused here, with what was wrong and where.
 */
export function validateAll<T>(schema: z.ZodType, items: readonly T[], what: string, idOf: (item: T) => string): void {
  for (const [index, item] of items.entries()) {
    const result = schema.safeParse(item);
    if (result.success) continue;
    const issue = result.error.issues[0];
    const path = issue?.path.length ? issue.path.join('.') : '(root)';
    let id: string;
    try {
      id = idOf(item);
    } catch {
      id = '?';
    }
    throw new Error(`Neo4jGraphStore: ${what}[${index}] (${id}) is invalid at ${path}: ${issue?.message ?? 'invalid'}`);
  }
}

import type { EntityRef } from '@tapio/domain';
import { z } from 'zod';
import { badRequest } from '../server/api-error.js';
import { Cursor, KindSpelling, resolveKind } from './entity-params.js';

export const EntityFilterQuery = z.object({
  kind: KindSpelling.optional().describe('Entity filter: kind (pod, deployment, svc...); needs name'),
  namespace: z.string().min(1).max(253).optional().describe('Entity filter: namespace'),
  name: z.string().min(1).max(253).optional().describe('Entity filter: name; needs kind'),
});

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: Cursor.optional().describe('nextCursor of the previous page'),
});

/** The entity filter of a list query, or undefined when it names none. */
export function entityFilter(query: { kind?: string | undefined; namespace?: string | undefined; name?: string | undefined; cluster?: string | undefined }): EntityRef | undefined {
  if (query.kind === undefined && query.name === undefined) {
    if (query.namespace !== undefined) throw badRequest('namespace', 'the entity filter needs kind and name too');
    return undefined;
  }
  if (query.kind === undefined) throw badRequest('kind', 'the entity filter needs a kind with the name');
  if (query.name === undefined) throw badRequest('name', 'the entity filter needs a name with the kind');
  return { kind: resolveKind(query.kind), name: query.name, namespace: query.namespace ?? null, ...(query.cluster ? { cluster: query.cluster } : {}) };
}

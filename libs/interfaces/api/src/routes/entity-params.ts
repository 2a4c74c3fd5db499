import { canonicalKind, CLUSTER_SCOPED_KINDS, kindSpellings, knownKinds, type EntityRef, type TimeRange } from '@tapio/domain';
import { z } from 'zod';
import { badRequest } from '../server/api-error.js';

const Name = z.string().min(1).max(253).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'not a valid Kubernetes name');

const spellings = (scope: 'namespaced' | 'cluster' | 'all') =>
  kindSpellings().filter((spelling) => scope === 'all' || CLUSTER_SCOPED_KINDS.has(canonicalKind(spelling) as string) === (scope === 'cluster')) as [string, ...string[]];

/**
 * A pattern matching exactly these spellings in any letter case, written with character
 * classes (`[Pp][Oo][Dd]`) because JSON Schema patterns take no flags: the OpenAPI document
 * then says what the API accepts (`POD` and `Deploy` as well as `Pod` and `deploy`), and a
 * client generated from it or a fuzzer (schemathesis) gets no surprise either way.
 */
export function anyCasePattern(words: readonly string[]): RegExp {
  const alternatives = [...new Set(words.map((word) => word.toLowerCase()))].map((word) =>
    [...word].map((char) => (/[a-z]/.test(char) ? `[${char}${char.toUpperCase()}]` : char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))).join(''),
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

/** Why a kind is refused: unknown (naming every accepted kind), or of the other path shape. */
const kindError = (shape: 'namespaced' | 'cluster' | 'all') => (issue: { input?: unknown }) => {
  const spelling = String(issue.input);
  const kind = canonicalKind(spelling);
  if (!kind || shape === 'all') return `unknown kind "${spelling}" (known: ${knownKinds().join(', ')}; any letter case, kubectl short names work too)`;
  return shape === 'namespaced' ? `${kind} is cluster-scoped: leave the namespace out (…/${spelling}/NAME)` : `${kind} is namespaced: give …/${spelling}/NAMESPACE/NAME`;
};

/** A kind of this scope as Kubernetes or kubectl spells it, in any letter case; answers use the canonical name (Pod). */
const kindParam = (scope: 'namespaced' | 'cluster' | 'all') => z.string().regex(anyCasePattern(spellings(scope)), { error: kindError(scope) });

/** A kind as Kubernetes or kubectl spells it (`Deployment`, `deployment`, `deploy`, `DEPLOY`); anything else is refused (400). */
export const KindSpelling = kindParam('all').describe('Kind: the canonical name (Pod) or a kubectl spelling (pod, pods, po), in any letter case');

export const NamespacedPath = z.object({ kind: kindParam('namespaced').describe('A namespaced kind (Pod, deploy, svc...; any letter case)'), namespace: Name, name: Name });
export const ClusterScopedPath = z.object({ kind: kindParam('cluster').describe('A cluster-scoped kind (Node, pv, ns...; any letter case)'), name: Name });

const Instant = z.iso.datetime({ offset: true });
export const RangeQuery = z.object({
  since: Instant.optional().describe('RFC 3339 start of the time range'),
  until: Instant.optional().describe('RFC 3339 end of the time range'),
  cluster: z.string().min(1).max(253).optional().describe('Only this cluster (default: every cluster)'),
});

/** The kind as Tapio names it, from how a person typed it (`pod`, `svc`, `Deployment`). */
export function resolveKind(spelling: string, field = 'kind'): string {
  const kind = canonicalKind(spelling);
  if (!kind) throw badRequest(field, `unknown kind "${spelling}" (known: ${knownKinds().join(', ')}; kubectl short names work too)`);
  return kind;
}

/** An entity from a path, checking that namespaced kinds have a namespace and cluster-scoped ones do not. */
export function entityFromPath(params: { kind: string; namespace?: string; name: string }, cluster?: string): EntityRef {
  const kind = resolveKind(params.kind);
  const clusterScoped = CLUSTER_SCOPED_KINDS.has(kind);
  if (clusterScoped && params.namespace !== undefined) {
    throw badRequest('namespace', `${kind} is cluster-scoped: leave the namespace out (…/${params.kind}/${params.name})`);
  }
  if (!clusterScoped && params.namespace === undefined) {
    throw badRequest('namespace', `${kind} is namespaced: give …/${params.kind}/NAMESPACE/${params.name}`);
  }
  return { kind, name: params.name, namespace: clusterScoped ? null : (params.namespace as string), ...(cluster ? { cluster } : {}) };
}

export function timeRange(query: { since?: string | undefined; until?: string | undefined }): TimeRange {
  if (query.since && query.until && Date.parse(query.since) > Date.parse(query.until)) {
    throw badRequest('since', `since (${query.since}) is after until (${query.until})`);
  }
  return { ...(query.since ? { since: query.since } : {}), ...(query.until ? { until: query.until } : {}) };
}

/** Opaque page cursors are base64url; anything else is refused before it reaches the store. */
export const Cursor = z.string().min(1).max(1024).regex(/^[A-Za-z0-9_-]+$/, 'not a cursor returned by this API');

/**
 * Runs a paged store query, turning a store's refusal of a forged or stale cursor into
 * a 400 on the cursor field instead of a 500.
 */
export async function withCursor<T>(cursor: string | undefined, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (cursor !== undefined && /cursor/i.test((error as Error).message)) throw badRequest('cursor', 'not a cursor returned by this API');
    throw error;
  }
}

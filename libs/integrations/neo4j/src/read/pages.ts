import { severityRank, type EventQuery, type Insight, type InsightQuery, type Page, type UnifiedEvent } from '@tapio/domain';
import type { ManagedTransaction } from 'neo4j-driver';
import { decodeEvent } from '../codec/event-codec.js';
import { toDateTime, toInteger } from '../codec/temporal.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { keysFor } from './entity-lookup.js';
import { rows } from './reader.js';

interface Filters {
  where: string[];
  params: Record<string, unknown>;
}

/** Time range, severity and cursor predicates on a node variable's time property. */
function commonFilters(
  variable: string,
  time: string,
  query: { since?: string | undefined; until?: string | undefined; minSeverity?: EventQuery['minSeverity']; cursor?: string | undefined },
  rangeOn: { since: string; until: string } = { since: time, until: time },
): Filters {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (query.since) {
    where.push(`${variable}.${rangeOn.since} >= $since`);
    params.since = toDateTime(query.since);
  }
  if (query.until) {
    where.push(`${variable}.${rangeOn.until} <= $until`);
    params.until = toDateTime(query.until);
  }
  if (query.minSeverity) {
    where.push(`${variable}.severity_rank >= $minRank`);
    params.minRank = severityRank(query.minSeverity);
  }
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    // "Before the cursor" as a range plus a negation, not as an OR: Neo4j plans the OR as a
    // union of two seeks and sorts everything older than the cursor on every page (a page
    // deep into 200K events took 170 ms), while the range reads the time index in order
    // and stops after one page (PartialTop; 33 ms).
    where.push(`${variable}.${time} <= $cursorTime AND NOT (${variable}.${time} = $cursorTime AND ${variable}.id >= $cursorId)`);
    params.cursorTime = toDateTime(cursor.timestamp);
    params.cursorId = cursor.id;
  }
  return { where, params };
}

function page<T>(items: T[], limit: number, position: (item: T) => { timestamp: string; id: string }): Page<T> {
  const more = items.length > limit;
  const kept = items.slice(0, limit);
  const last = kept[kept.length - 1];
  return { items: kept, nextCursor: more && last ? encodeCursor(position(last).timestamp, position(last).id) : null };
}

/** Events newest first (ties: id descending), filtered, one page at a time. */
export async function eventsPage(tx: ManagedTransaction, query: EventQuery): Promise<Page<UnifiedEvent>> {
  const limit = query.limit ?? 100;
  const filters = commonFilters('e', 'timestamp', query);
  if (query.type?.length) {
    filters.where.push('e.type IN $types');
    filters.params.types = query.type;
  }
  let match = 'MATCH (e:Event)';
  if (query.entity) {
    filters.params.keys = await keysFor(tx, query.entity);
    match = 'MATCH (r:Resource) WHERE r.key IN $keys MATCH (r)<-[:AFFECTS]-(e:Event)';
  } else if (!query.since && !query.until && !query.cursor) {
    // A predicate on the indexed property lets Neo4j read the index in order instead of sorting.
    filters.where.push('e.timestamp IS NOT NULL');
  }
  const where = filters.where.length ? `WHERE ${filters.where.join(' AND ')}` : '';
  const found = await rows<{ data: string }>(
    tx,
    `${match} ${query.entity ? (filters.where.length ? `WITH e ${where}` : '') : where} RETURN e.data AS data ORDER BY e.timestamp DESC, e.id DESC LIMIT $limit`,
    { ...filters.params, limit: toInteger(limit + 1) },
  );
  return page(
    found.map((row) => decodeEvent(row.data)),
    limit,
    (event) => event,
  );
}

/** Insights newest first by first sighting, filtered, one page at a time. */
export async function insightsPage(tx: ManagedTransaction, query: InsightQuery): Promise<Page<Insight>> {
  const limit = query.limit ?? 100;
  const filters = commonFilters('i', 'first_seen', query, { since: 'last_seen', until: 'first_seen' });
  if (query.pattern) {
    filters.where.push('i.pattern = $pattern');
    filters.params.pattern = query.pattern;
  }
  if (query.rootsOnly) filters.where.push('i.explained_by IS NULL');
  // About an entity: from its node along ABOUT, rather than through every insight.
  const match = query.entity ? 'MATCH (r:Resource) WHERE r.key IN $keys MATCH (r)<-[:ABOUT]-(i:Insight) WITH DISTINCT i' : 'MATCH (i:Insight)';
  if (query.entity) filters.params.keys = await keysFor(tx, query.entity);
  const where = filters.where.length ? `WHERE ${filters.where.join(' AND ')}` : '';
  const found = await rows<{ data: string }>(tx, `${match} ${where} RETURN i.data AS data ORDER BY i.first_seen DESC, i.id DESC LIMIT $limit`, {
    ...filters.params,
    limit: toInteger(limit + 1),
  });
  return page(
    found.map((row) => JSON.parse(row.data) as Insight),
    limit,
    (insight) => ({ timestamp: insight.firstSeen, id: insight.id }),
  );
}

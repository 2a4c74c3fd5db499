import { entityKey, type EntityRef } from '@tapio/plugin-api';
import type { UnifiedEvent } from '@tapio/plugin-api';
import { severityRank } from '@tapio/plugin-api';
import type { Insight } from '@tapio/plugin-api';
import type { EventSummary } from '@tapio/plugin-api';

/*
 * The orders and summaries of GraphStore answers. They are part of the port's contract:
 * every store (embedded, Neo4j) sorts and summarises with these, so the contract suite
 * can require identical answers.
 */

/** Newest first, ties broken by id descending: the order of every paged list. */
export function newestFirst(a: { timestamp: string; id: string }, b: { timestamp: string; id: string }): number {
  const byTime = Date.parse(b.timestamp) - Date.parse(a.timestamp);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function oldestFirst(a: { timestamp: string; id: string }, b: { timestamp: string; id: string }): number {
  return -newestFirst(a, b);
}

/** Most relevant insight first: confidence, then severity, then most recent. */
export function insightRelevance(a: Insight, b: Insight): number {
  if (b.confidence !== a.confidence) return b.confidence - a.confidence;
  const bySeverity = severityRank(b.severity) - severityRank(a.severity);
  if (bySeverity !== 0) return bySeverity;
  return newestFirst({ timestamp: a.firstSeen, id: a.id }, { timestamp: b.firstSeen, id: b.id });
}

/** Entities in entity-key order (lists of resources in answers). */
export function byEntityKey(a: EntityRef, b: EntityRef): number {
  const left = entityKey(a);
  const right = entityKey(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function summariseEvent(event: UnifiedEvent): EventSummary {
  return {
    id: event.id,
    type: event.type,
    timestamp: event.timestamp,
    severity: event.severity,
    message: event.message,
    source: event.source,
    ...(event.entity ? { entity: event.entity } : {}),
  };
}

/**
 * What an insight is about: its root cause, symptoms and affected entities. Both stores
 * answer "insights about X" (why, insight pages by entity) from exactly these.
 */
export function insightEntities(insight: Insight): EntityRef[] {
  return [insight.rootCause.entity, ...insight.symptoms, ...insight.affected];
}

/** Keys of the entities an insight is about, each once, root cause first. */
export function insightEntityKeys(insight: Insight): string[] {
  return [...new Set(insightEntities(insight).map((ref) => entityKey(ref)))];
}

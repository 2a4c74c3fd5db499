import { severityRank, type EventSummary, type Insight, type UnifiedEvent } from '@tapio/domain';

/** Newest first, ties broken by id descending: the order of every paged event list. */
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

export function summarise(event: UnifiedEvent): EventSummary {
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

/** Cursor over (timestamp, id); opaque to clients. */
export function encodeCursor(timestamp: string, id: string): string {
  return Buffer.from(JSON.stringify([timestamp, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { timestamp: string; id: string } {
  try {
    const [timestamp, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof timestamp === 'string' && typeof id === 'string') return { timestamp, id };
  } catch {
    // falls through to the error below
  }
  throw new Error(`invalid cursor "${cursor}"`);
}

/** True when `item` comes strictly after the cursor in newest-first order. */
export function afterCursor(item: { timestamp: string; id: string }, cursor: { timestamp: string; id: string } | undefined): boolean {
  return cursor === undefined || newestFirst(cursor, item) < 0;
}

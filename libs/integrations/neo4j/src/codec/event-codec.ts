import { entityKey, severityRank, type UnifiedEvent } from '@tapio/domain';
import { toDateTime, toInteger } from './temporal.js';

/** Event node properties; `data` is the whole UnifiedEvent as JSON (seed 000: `data: string // JSON`). */
export function eventProperties(event: UnifiedEvent): Record<string, unknown> {
  return {
    id: event.id,
    type: event.type,
    severity: event.severity,
    severity_rank: toInteger(severityRank(event.severity)),
    message: event.message,
    source: event.source,
    timestamp: toDateTime(event.timestamp),
    processed_at: toDateTime(event.processedAt),
    category: event.semantic.category,
    intent: event.semantic.intent,
    entity_key: event.entity ? entityKey(event.entity) : null,
    trace_id: event.traceContext?.traceId ?? null,
    data: JSON.stringify(event),
  };
}

export function decodeEvent(data: string): UnifiedEvent {
  return JSON.parse(data) as UnifiedEvent;
}

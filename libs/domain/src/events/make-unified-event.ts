import type { EntityRef } from '../entities/entity-ref.js';
import { EVENT_SEMANTICS } from './event-semantics.js';
import type { EventType } from './event-type.js';
import type { RawEvent } from './raw-event.js';
import type { Severity } from './severity.js';
import type { UnifiedEvent } from './unified-event.js';

export type UnifiedEventDraft = Omit<UnifiedEvent, 'id' | 'timestamp' | 'source' | 'severity' | 'semantic' | 'processedAt' | 'traceContext'> & {
  timestamp?: string;
  severity?: Severity;
  narrative?: string;
  tags?: string[];
};

export interface DraftContext {
  eventId(raw: RawEvent, discriminator: string): string;
  processedAt: string;
}

/**
 * Completes a transformer's draft into a UnifiedEvent: id (deterministic from the raw
 * event and the discriminator), time and source from the raw event, semantics and
 * default severity from the event-type table, trace context carried through.
 */
export function makeUnifiedEvent(raw: RawEvent, context: DraftContext, type: EventType, discriminator: string, draft: Omit<UnifiedEventDraft, 'type'>): UnifiedEvent {
  const semantics = EVENT_SEMANTICS[type];
  const { narrative, tags, severity, timestamp, ...rest } = draft;
  const event: UnifiedEvent = {
    ...rest,
    id: context.eventId(raw, discriminator),
    type,
    timestamp: timestamp ?? raw.timestamp,
    source: raw.source,
    severity: severity ?? semantics.severity,
    semantic: {
      intent: semantics.intent,
      category: semantics.category,
      narrative: narrative ?? draft.message,
      ...(tags ? { tags } : {}),
    },
    processedAt: context.processedAt,
  };
  if (raw.traceId) event.traceContext = { traceId: raw.traceId, ...(raw.spanId ? { spanId: raw.spanId } : {}) };
  return event;
}

export function entityFromContext(context: { kind: string; name: string; namespace?: string | null | undefined; cluster?: string | undefined; uid?: string | undefined }): EntityRef {
  const entity: EntityRef = { kind: context.kind, name: context.name };
  if (context.namespace) entity.namespace = context.namespace;
  if (context.cluster) entity.cluster = context.cluster;
  if (context.uid) entity.uid = context.uid;
  return entity;
}

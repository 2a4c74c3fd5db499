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
/** The layers a draft may carry, copied when present. */
const DRAFT_LAYERS = ['k8sContext', 'entity', 'kernel', 'network', 'kubernetes', 'application', 'metrics', 'impact', 'correlationHints', 'annotations'] as const;

export function makeUnifiedEvent(raw: RawEvent, context: DraftContext, type: EventType, discriminator: string, draft: Omit<UnifiedEventDraft, 'type'>): UnifiedEvent {
  const semantics = EVENT_SEMANTICS[type];
  // Built field by field rather than by spreading the draft: this runs for every event
  // and object rest/spread is several times slower in V8.
  const event: UnifiedEvent = {
    id: context.eventId(raw, discriminator),
    type,
    timestamp: draft.timestamp ?? raw.timestamp,
    source: raw.source,
    severity: draft.severity ?? semantics.severity,
    message: draft.message,
    semantic: draft.tags
      ? { intent: semantics.intent, category: semantics.category, narrative: draft.narrative ?? draft.message, tags: draft.tags }
      : { intent: semantics.intent, category: semantics.category, narrative: draft.narrative ?? draft.message },
    processedAt: context.processedAt,
  };
  for (const layer of DRAFT_LAYERS) {
    const value = draft[layer];
    if (value !== undefined) (event as Record<string, unknown>)[layer] = value;
  }
  if (raw.traceId) event.traceContext = raw.spanId ? { traceId: raw.traceId, spanId: raw.spanId } : { traceId: raw.traceId };
  return event;
}

export function entityFromContext(context: { kind: string; name: string; namespace?: string | null | undefined; cluster?: string | undefined; uid?: string | undefined }): EntityRef {
  const entity: EntityRef = { kind: context.kind, name: context.name };
  if (context.namespace) entity.namespace = context.namespace;
  if (context.cluster) entity.cluster = context.cluster;
  if (context.uid) entity.uid = context.uid;
  return entity;
}

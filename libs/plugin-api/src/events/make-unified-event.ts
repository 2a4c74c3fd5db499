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

/** The layers a draft may carry, copied when present, in this order (makeUnifiedEvent names each; its test holds the two together). */
export const DRAFT_LAYERS = ['k8sContext', 'entity', 'kernel', 'network', 'kubernetes', 'application', 'metrics', 'impact', 'correlationHints', 'annotations'] as const;

/**
 * Completes a transformer's draft into a UnifiedEvent: id (deterministic from the raw
 * event and the discriminator), time and source from the raw event, semantics and
 * default severity from the event-type table, trace context carried through.
 */
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
  // Each layer by name, in DRAFT_LAYERS' order (a test holds the two together): a loop over the
  // names reads the draft by a computed key, which every transformer's draft shape makes slow.
  if (draft.k8sContext !== undefined) event.k8sContext = draft.k8sContext;
  if (draft.entity !== undefined) event.entity = draft.entity;
  if (draft.kernel !== undefined) event.kernel = draft.kernel;
  if (draft.network !== undefined) event.network = draft.network;
  if (draft.kubernetes !== undefined) event.kubernetes = draft.kubernetes;
  if (draft.application !== undefined) event.application = draft.application;
  if (draft.metrics !== undefined) event.metrics = draft.metrics;
  if (draft.impact !== undefined) event.impact = draft.impact;
  if (draft.correlationHints !== undefined) event.correlationHints = draft.correlationHints;
  if (draft.annotations !== undefined) event.annotations = draft.annotations;
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

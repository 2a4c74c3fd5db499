import { ChangeItem, entityKey, EventSummary, summariseEvent, type EntityRef, type GraphReader, type Insight, type UnifiedEvent } from '@tapio/domain';
import { z } from 'zod';

/** An event on an incident's time axis: its summary plus the semantic diff it carries (a ConfigMap's edited keys and lines). */
export const TimelineEvent = EventSummary.extend({ changes: z.array(ChangeItem).default([]) });
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const IncidentTimeline = z.object({
  insightId: z.string(),
  /** Oldest first: the root change, then the rollout, crashes, lost endpoints... */
  events: z.array(TimelineEvent),
  /** True when an entity had more events in the window than one incident page shows. */
  truncated: z.boolean(),
});
export type IncidentTimeline = z.infer<typeof IncidentTimeline>;

/** Pure bookkeeping of an object's life: the topology already tells that story, the time axis would only drown it. */
const LIFECYCLE_NOISE = new Set(['resource_created', 'resource_updated']);
const MAX_ENTITIES = 40;
const EVENTS_PER_ENTITY = 60;
/** Symptoms before the root change or long after the last one are another story. */
const MARGIN_MS = 60_000;

/**
 * The incident's events on one time axis: those the insight explains, plus the events of
 * its root, symptoms and affected resources between its first and last sighting.
 */
export async function incidentTimeline(graph: GraphReader, insight: Insight): Promise<IncidentTimeline> {
  const since = new Date(Date.parse(insight.firstSeen) - MARGIN_MS).toISOString();
  const until = new Date(Date.parse(insight.lastSeen) + MARGIN_MS).toISOString();
  const byId = new Map<string, UnifiedEvent>();
  const explained = await Promise.all(insight.eventIds.map((id) => graph.event(id)));
  for (const event of explained) if (event) byId.set(event.id, event);

  let truncated = false;
  for (const entity of incidentEntities(insight).slice(0, MAX_ENTITIES)) {
    const page = await graph.events({ entity, since, until, limit: EVENTS_PER_ENTITY });
    if (page.nextCursor) truncated = true;
    for (const event of page.items) if (!LIFECYCLE_NOISE.has(event.type)) byId.set(event.id, event);
  }
  const events = [...byId.values()]
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.id.localeCompare(b.id))
    .map((event) => ({ ...summariseEvent(event), changes: event.kubernetes?.changes ?? [] }));
  return { insightId: insight.id, events, truncated };
}

/**
 * Root first, then symptoms, then the rest of what it touched; each once. A Service's
 * lost endpoints are events on its Endpoints object (same namespace and name).
 */
function incidentEntities(insight: Insight): EntityRef[] {
  const seen = new Set<string>();
  const out: EntityRef[] = [];
  const add = (entity: EntityRef) => {
    const key = entityKey(entity);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(entity);
  };
  for (const entity of [insight.rootCause.entity, ...insight.symptoms, ...insight.affected]) {
    add(entity);
    if (entity.kind === 'Service') add({ kind: 'Endpoints', name: entity.name, namespace: entity.namespace ?? null, ...(entity.cluster ? { cluster: entity.cluster } : {}) });
  }
  return out;
}

import { z } from 'zod';
import { EntityRef } from '@tapio/plugin-api';
import { EventType } from '@tapio/plugin-api';
import { Severity } from '@tapio/plugin-api';
import { Insight } from '@tapio/plugin-api';
import { EventSummary } from '@tapio/plugin-api';
import { TopologyEdge } from '@tapio/plugin-api';

export const TimeRange = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});
export type TimeRange = z.infer<typeof TimeRange>;

export const EventQuery = TimeRange.extend({
  entity: EntityRef.optional(),
  type: z.array(EventType).optional(),
  minSeverity: Severity.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** Opaque cursor from the previous page. */
  cursor: z.string().optional(),
});
export type EventQuery = z.infer<typeof EventQuery>;

export const InsightQuery = TimeRange.extend({
  entity: EntityRef.optional(),
  pattern: z.string().optional(),
  minSeverity: Severity.optional(),
  /** Only incidents no other incident explains (one per cause: folded ones, `explainedBy`, left out). */
  rootsOnly: z.boolean().optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});
export type InsightQuery = z.infer<typeof InsightQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export type Page<T> = { items: T[]; nextCursor: string | null };

/** "Why did X fail?": the insights that explain an entity, plus its own recent events. */
export const WhyAnswer = z.object({
  entity: EntityRef,
  known: z.boolean(),
  insights: z.array(Insight),
  /** Events on the entity, newest first, within the range. */
  events: z.array(EventSummary),
  /** Causal ancestors of the entity's events (CAUSED / TRIGGERED), earliest first. */
  causalChain: z.array(EventSummary),
  /**
   * Who the entity (its workload) and the incidents' symptoms call, with the evidence
   * (DEPENDS_ON edges): what links a failing caller to a cause in another service. Filled
   * by the API from the graph's edges.
   */
  dependencies: z.array(TopologyEdge).optional(),
});
export type WhyAnswer = z.infer<typeof WhyAnswer>;

/** Seed 002's context revelation for one event. */
export const EventContext = z.object({
  event: EventSummary,
  affectedResources: z.array(EntityRef),
  ownershipChain: z.array(EntityRef),
  dependencies: z.array(EntityRef),
  correlatedEvents: z.array(EventSummary),
  rootCause: EventSummary.nullable(),
  consequences: z.array(EventSummary),
});
export type EventContext = z.infer<typeof EventContext>;

/** Seed 000's impact analysis: what a change to this object touches. */
export const ImpactAnswer = z.object({
  entity: EntityRef,
  known: z.boolean(),
  pods: z.array(EntityRef),
  workloads: z.array(EntityRef),
  services: z.array(EntityRef),
  ingresses: z.array(EntityRef),
  nodes: z.array(EntityRef),
});
export type ImpactAnswer = z.infer<typeof ImpactAnswer>;

export const DeathSpiral = z.object({ entity: EntityRef, restarts: z.number().int() });
export type DeathSpiral = z.infer<typeof DeathSpiral>;

export const CauseEffectCount = z.object({ cause: z.string(), effect: z.string(), occurrences: z.number().int() });
export type CauseEffectCount = z.infer<typeof CauseEffectCount>;

export const GraphStats = z.object({
  resources: z.number().int(),
  events: z.number().int(),
  relationships: z.number().int(),
  insights: z.number().int(),
});
export type GraphStats = z.infer<typeof GraphStats>;

import { z } from 'zod';
import { EntityRef } from '../entities/entity-ref.js';
import { Severity } from '../events/severity.js';

/** One link of a causal chain: an event on an entity, and why it follows from the previous link. */
export const ChainLink = z.object({
  eventId: z.string().optional(),
  entity: EntityRef,
  type: z.string(),
  timestamp: z.iso.datetime({ offset: true }),
  summary: z.string(),
  /** How this link relates to the previous one: "mounts", "owns", "runs on", "selects"... */
  relation: z.string().optional(),
  /** The kind of evidence behind that relation: the correlator that found the causal edge ("dependency", "ownership", "service-dependency"...). */
  evidence: z.string().optional(),
});
export type ChainLink = z.infer<typeof ChainLink>;

export const RootCause = z.object({
  entity: EntityRef,
  eventId: z.string().optional(),
  eventType: z.string().optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  /** Free text: what changed or what state caused it. */
  what: z.string(),
});
export type RootCause = z.infer<typeof RootCause>;

/**
 * One incident folded into another: the other's root explains this one's root (its pods are
 * the other root's, it calls it, it uses it, a policy selects it). Carried on both sides, so
 * each can be shown without reading the other.
 */
export const IncidentFold = z.object({
  /** The other incident's insight id. */
  insightId: z.string().min(1),
  title: z.string(),
  severity: Severity,
  pattern: z.string().optional(),
  /** The other incident's root cause entity. */
  rootCause: EntityRef,
  /** Why the explaining root explains the folded one ("its pods are the ones that fail"). */
  reason: z.string(),
});
export type IncidentFold = z.infer<typeof IncidentFold>;

export const Insight = z.object({
  id: z.string().min(1),
  title: z.string(),
  severity: Severity,
  confidence: z.number().min(0).max(1),
  pattern: z.string().optional(),
  predictionId: z.string().optional(),
  rootCause: RootCause,
  symptoms: z.array(EntityRef),
  chain: z.array(ChainLink),
  affected: z.array(EntityRef),
  /** The human story (seed 002's tree). */
  story: z.string(),
  nextChecks: z.array(z.string()).default([]),
  previousOccurrences: z.array(z.iso.datetime({ offset: true })).default([]),
  eventIds: z.array(z.string()).default([]),
  firstSeen: z.iso.datetime({ offset: true }),
  lastSeen: z.iso.datetime({ offset: true }),
  createdAt: z.iso.datetime({ offset: true }),
  cluster: z.string().optional(),
  /** The incidents this one's root explains and that are folded into it, most likely first (absent: none). */
  alsoExplains: z.array(IncidentFold).optional(),
  /** The incident whose root explains this one's: this one is folded into it (absent: it stands on its own). */
  explainedBy: IncidentFold.optional(),
});
export type Insight = z.infer<typeof Insight>;

export const CORRELATION_KINDS = ['CORRELATED_WITH', 'CAUSED', 'TRIGGERED', 'PRECEDED'] as const;
export const CorrelationKind = z.enum(CORRELATION_KINDS);
export type CorrelationKind = z.infer<typeof CorrelationKind>;

/** An edge between two events found by a correlator. */
export const Correlation = z.object({
  kind: CorrelationKind,
  fromEventId: z.string().min(1),
  toEventId: z.string().min(1),
  confidence: z.number().min(0).max(1),
  reason: z.string(),
  correlator: z.string(),
  /** PRECEDED: delay between the two events, ms. */
  delayMs: z.number().nonnegative().optional(),
});
export type Correlation = z.infer<typeof Correlation>;

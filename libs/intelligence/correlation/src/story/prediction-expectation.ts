import { parseDuration, type PatternPrediction, type Prediction } from '@tapio/domain';
import type { PatternMatch } from '../patterns/pattern-matcher.js';
import type { WorkingState } from '../state/working-state.js';
import { iso, refOf } from './entity-refs.js';

/** How far past the predicted minutes the deadline lies: a trend is an estimate, growth slows and speeds up. */
const DEADLINE_SLACK_FACTOR = 1.5;
const DEADLINE_SLACK_MS = 60_000;

export interface PredictionTerms {
  expects: NonNullable<Prediction['expects']>;
  deadline: string;
  /** When it was issued: the time of the event the expectation is about. */
  issuedAt: string;
  /** 0..1: how much the evidence's own quality scales the prediction's confidence (1 without a confidence metric). */
  confidenceFactor: number;
}

/**
 * What a pattern's prediction with `expect` says will happen, about what and by when, from
 * the match: the entity (and container) of the `on` step's event, the deadline from that
 * event's `deadline_metric` minutes (times 1.5 plus a minute) or else its `time_horizon`,
 * and its `confidence_metric` as a factor. Undefined for a prediction without `expect`, or
 * when the step's event has no entity or no deadline can be told.
 */
export function predictionTerms(state: WorkingState, match: PatternMatch, predicted: PatternPrediction): PredictionTerms | undefined {
  const expect = predicted.expect;
  if (!expect) return undefined;
  const index = expect.on === undefined ? match.pattern.steps.length - 1 : match.pattern.steps.findIndex((step) => step.id === expect.on);
  const event = match.events[index];
  if (!event?.entityKey) return undefined;
  const minutes = expect.deadline_metric ? event.event.metrics?.[expect.deadline_metric] : undefined;
  const horizonMs =
    minutes !== undefined && Number.isFinite(minutes) && minutes >= 0 ? minutes * 60_000 * DEADLINE_SLACK_FACTOR + DEADLINE_SLACK_MS : predicted.time_horizon ? parseDuration(predicted.time_horizon) : undefined;
  if (horizonMs === undefined) return undefined;
  const quality = expect.confidence_metric ? event.event.metrics?.[expect.confidence_metric] : undefined;
  const container = event.event.kubernetes?.container;
  return {
    expects: { eventTypes: [...expect.events], entity: refOf(event.entityKey, state), ...(container ? { container } : {}) },
    deadline: iso(Math.round(event.at + horizonMs)),
    issuedAt: event.event.timestamp,
    confidenceFactor: quality !== undefined && Number.isFinite(quality) ? Math.min(1, Math.max(0, quality)) : 1,
  };
}

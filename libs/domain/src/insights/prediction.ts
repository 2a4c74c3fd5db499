import { EntityRef } from '@tapio/plugin-api';
import { z } from 'zod';

/** The event that makes a prediction come true: one of these types, about this entity (and container, when named). */
export const PredictionExpectation = z.object({
  eventTypes: z.array(z.string().min(1)).min(1),
  entity: EntityRef,
  container: z.string().min(1).optional(),
});
export type PredictionExpectation = z.infer<typeof PredictionExpectation>;

/** `partly_true`: a prediction about several pods ("9 more will fail") of which some, not all, did (its `tally` says how many). */
export const PREDICTION_RESULTS = ['came_true', 'did_not_happen', 'partly_true'] as const;

/**
 * What happened to a prediction with a deadline, as later events showed it: `came_true`
 * when the expected event arrived by the deadline (`at` is its time, `eventId` the event;
 * for a prediction about several pods, when every one of them failed), `did_not_happen`
 * when the deadline passed without it (`at` is the deadline), `partly_true` when some of
 * the predicted pods failed and the others restarted healthy or not by the deadline.
 */
export const PredictionResult = z.object({
  status: z.enum(PREDICTION_RESULTS),
  at: z.iso.datetime({ offset: true }),
  eventId: z.string().min(1).optional(),
  /** Why it was closed before its deadline: the evidence reversed ("withdrawn: the working set fell back ..."). */
  reason: z.string().min(1).optional(),
});
export type PredictionResult = z.infer<typeof PredictionResult>;

/**
 * How a prediction about several pods stands ("9 more will fail on their next restart"):
 * of the `expected` pods, how many failed the expected way, restarted healthy (became
 * ready again with the changed configuration) or were deleted before either. Counted
 * while open ("4 of 9 so far") and final once judged.
 */
export const PredictionTally = z.object({
  expected: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  healthy: z.number().int().nonnegative(),
  gone: z.number().int().nonnegative(),
});
export type PredictionTally = z.infer<typeof PredictionTally>;

/** An earlier wording of a prediction the evidence revised (more pods came to use the changed ConfigMap): what it said until `at`. */
export const PredictionRevision = z.object({
  at: z.iso.datetime({ offset: true }),
  message: z.string(),
  tally: PredictionTally.optional(),
});
export type PredictionRevision = z.infer<typeof PredictionRevision>;

/** What a matched pattern predicted; feedback validates it (seed 002), and so do later events when it says what to expect by when. */
export const Prediction = z.object({
  id: z.string().min(1),
  patternId: z.string().min(1),
  insightId: z.string().min(1).optional(),
  type: z.string().min(1),
  confidence: z.number().min(0).max(1),
  timeHorizon: z.string().optional(),
  message: z.string(),
  impact: z.array(z.string()).default([]),
  createdAt: z.iso.datetime({ offset: true }),
  /** The event that would make it come true (predictions that name one are judged by what happens). */
  expects: PredictionExpectation.optional(),
  /** By when that event is expected; past it, the prediction did not happen. */
  deadline: z.iso.datetime({ offset: true }).optional(),
  /** Absent while open (or for predictions without a deadline). */
  result: PredictionResult.optional(),
  /** For a prediction about several pods: how many failed, restarted healthy or went, so far or in the end. */
  tally: PredictionTally.optional(),
  /** What it said before the evidence revised it, oldest first (absent when never revised). */
  revisions: z.array(PredictionRevision).optional(),
});
export type Prediction = z.infer<typeof Prediction>;

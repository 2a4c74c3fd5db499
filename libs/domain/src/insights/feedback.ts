import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_FEEDBACK_POLICY, PatternStatus, type FeedbackPolicy } from './feedback-policy.js';

/** Who gave a verdict when the request names nobody. */
export const ANONYMOUS_USER = 'anonymous';

/** The body of POST /api/v1/feedback, in seed 002's wire spelling, plus who gives the verdict. */
export const FeedbackRequest = z
  .object({
    prediction_id: z.string().min(1),
    accurate: z.boolean(),
    rating: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(0),
    comment: z.string().max(4000).default(''),
    /** One verdict per prediction and user: a second one from the same user replaces the first. Default "anonymous". */
    user: z
      .string()
      .min(1)
      .max(128)
      // No control characters or markup: the name is shown in pages and terminals.
      .regex(/^[^\u0000-\u001f\u007f<>&"']+$/, 'no control characters and none of < > & " \'')
      .optional(),
  })
  .strict();
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;

export const Feedback = z.object({
  id: z.string().min(1),
  predictionId: z.string().min(1),
  patternId: z.string().min(1),
  accurate: z.boolean(),
  rating: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
  comment: z.string(),
  timestamp: z.iso.datetime({ offset: true }),
  /** Who gave it (absent on verdicts stored before users were told apart: "anonymous"). */
  user: z.string().min(1).optional(),
});
export type Feedback = z.infer<typeof Feedback>;

/** The id of a user's verdict on a prediction: the same for a repeat, so storing it replaces the earlier one. */
export function feedbackId(predictionId: string, user: string): string {
  return `feedback-${createHash('sha256').update(`${predictionId}\u0000${user}`).digest('hex').slice(0, 20)}`;
}

/** A pattern's learned state: confidence from its base and the verdicts (see FeedbackPolicy), and its standing. */
export const PatternConfidence = z.object({
  patternId: z.string().min(1),
  baseConfidence: z.number().min(0).max(1),
  confidence: z.number().min(0).max(1),
  accuracy: z.number().min(0).max(1).nullable(),
  feedbackCount: z.number().int().nonnegative(),
  accurateCount: z.number().int().nonnegative(),
  matches: z.number().int().nonnegative(),
  /** learning (too few verdicts), active, promoted or retired (a retired pattern opens no incident). */
  status: PatternStatus.default('learning'),
  /** Its predictions later events judged (and no person did): came true by the deadline, or did not happen. */
  outcomes: z.object({ cameTrue: z.number().int().nonnegative(), didNotHappen: z.number().int().nonnegative() }).optional(),
});
export type PatternConfidence = z.infer<typeof PatternConfidence>;

/**
 * The confidence verdicts give a pattern: its base counts as `priorWeight` verdicts, so the
 * confidence moves from the base toward the share of right verdicts as they accumulate
 * (seed 002: 0.75 and one right verdict make 0.82; a hundred verdicts settle at the real
 * accuracy), and never above `maxConfidence`. With no verdict the base stands.
 */
export function adjustedConfidence(base: number, accurate: number, total: number, policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY): number {
  if (total === 0) return base;
  const learned = (base * policy.priorWeight + accurate) / (policy.priorWeight + total);
  return Math.min(policy.maxConfidence, Math.max(0, learned));
}

/** learning until `minVerdicts` verdicts, then retired below `retireBelow`, promoted from `promoteAbove`, active between. */
export function patternStatus(confidence: number, total: number, policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY): PatternStatus {
  if (total < policy.minVerdicts) return 'learning';
  if (confidence < policy.retireBelow) return 'retired';
  if (confidence >= policy.promoteAbove) return 'promoted';
  return 'active';
}

/** Outcomes of a pattern's predictions that later events judged (and no person did). */
export interface PredictionOutcomes {
  cameTrue: number;
  didNotHappen: number;
}

/**
 * The evidence a pattern learns from: people's verdicts at full weight, and outcomes at
 * `policy.outcomeWeight` each (came true = right, did not happen = wrong).
 */
export function weightedVerdicts(verdicts: { accurate: number; total: number }, outcomes: PredictionOutcomes | undefined, policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY): { accurate: number; total: number } {
  if (!outcomes) return verdicts;
  const weight = policy.outcomeWeight;
  return { accurate: verdicts.accurate + weight * outcomes.cameTrue, total: verdicts.total + weight * (outcomes.cameTrue + outcomes.didNotHappen) };
}

/** A pattern's whole learned state from its verdicts (each user's latest per prediction) and its judged predictions' outcomes. */
export function patternStanding(
  patternId: string,
  baseConfidence: number,
  verdicts: { accurate: number; total: number },
  matches: number,
  policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY,
  outcomes?: PredictionOutcomes,
): PatternConfidence {
  const { accurate, total } = verdicts;
  const learned = weightedVerdicts(verdicts, outcomes, policy);
  const confidence = adjustedConfidence(baseConfidence, learned.accurate, learned.total, policy);
  return {
    patternId,
    baseConfidence,
    confidence,
    accuracy: total ? accurate / total : null,
    feedbackCount: total,
    accurateCount: accurate,
    matches,
    status: patternStatus(confidence, learned.total, policy),
    ...(outcomes && outcomes.cameTrue + outcomes.didNotHappen > 0 ? { outcomes: { ...outcomes } } : {}),
  };
}

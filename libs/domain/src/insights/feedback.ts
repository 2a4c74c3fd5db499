import { z } from 'zod';

/** The body of POST /api/v1/feedback, in seed 002's wire spelling. */
export const FeedbackRequest = z
  .object({
    prediction_id: z.string().min(1),
    accurate: z.boolean(),
    rating: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(0),
    comment: z.string().max(4000).default(''),
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
});
export type Feedback = z.infer<typeof Feedback>;

/** A pattern's learned state: seed 002's confidence = base × (0.5 + accuracy × 0.5). */
export const PatternConfidence = z.object({
  patternId: z.string().min(1),
  baseConfidence: z.number().min(0).max(1),
  confidence: z.number().min(0).max(1),
  accuracy: z.number().min(0).max(1).nullable(),
  feedbackCount: z.number().int().nonnegative(),
  accurateCount: z.number().int().nonnegative(),
  matches: z.number().int().nonnegative(),
});
export type PatternConfidence = z.infer<typeof PatternConfidence>;

/**
 * Seed 002's formula. With no feedback yet, the base confidence stands (accuracy unknown,
 * not zero). `accurate / total` is the accuracy rate.
 */
export function adjustedConfidence(base: number, accurate: number, total: number): number {
  if (total === 0) return base;
  const accuracy = accurate / total;
  return base * (0.5 + accuracy * 0.5);
}

import { adjustedConfidence, ANONYMOUS_USER, Feedback, PatternConfidence, patternStatus } from './feedback.js';
import { DEFAULT_FEEDBACK_POLICY, PatternStatus, type FeedbackPolicy } from './feedback-policy.js';
import { z } from 'zod';

/** One verdict on a pattern's prediction and the confidence and standing it left the pattern with. */
export const FeedbackStep = z.object({
  feedbackId: z.string(),
  predictionId: z.string(),
  user: z.string(),
  accurate: z.boolean(),
  rating: Feedback.shape.rating,
  comment: z.string(),
  timestamp: z.iso.datetime({ offset: true }),
  confidenceAfter: z.number().min(0).max(1),
  statusAfter: PatternStatus,
});
export type FeedbackStep = z.infer<typeof FeedbackStep>;

export const PatternDetail = PatternConfidence.extend({ history: z.array(FeedbackStep) });
export type PatternDetail = z.infer<typeof PatternDetail>;

/**
 * The pattern's trajectory: confidence and standing after each verdict, oldest first (a
 * user's repeated verdict on a prediction replaced the earlier one, so it counts once, at
 * its latest time). Where the standing changes, the pattern was retired or promoted then.
 */
export function feedbackHistory(baseConfidence: number, feedback: readonly Feedback[], policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY): FeedbackStep[] {
  let accurate = 0;
  return feedback.map((item, index) => {
    if (item.accurate) accurate += 1;
    const confidenceAfter = adjustedConfidence(baseConfidence, accurate, index + 1, policy);
    return {
      feedbackId: item.id,
      predictionId: item.predictionId,
      user: item.user ?? ANONYMOUS_USER,
      accurate: item.accurate,
      rating: item.rating,
      comment: item.comment,
      timestamp: item.timestamp,
      confidenceAfter,
      statusAfter: patternStatus(confidenceAfter, index + 1, policy),
    };
  });
}

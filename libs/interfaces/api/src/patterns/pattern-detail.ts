import { adjustedConfidence, Feedback, PatternConfidence } from '@tapio/domain';
import { z } from 'zod';

/** One verdict on a pattern's prediction and the confidence it left the pattern with. */
export const FeedbackStep = z.object({
  feedbackId: z.string(),
  predictionId: z.string(),
  accurate: z.boolean(),
  rating: Feedback.shape.rating,
  comment: z.string(),
  timestamp: z.iso.datetime({ offset: true }),
  confidenceAfter: z.number().min(0).max(1),
});
export type FeedbackStep = z.infer<typeof FeedbackStep>;

export const PatternDetail = PatternConfidence.extend({ history: z.array(FeedbackStep) });
export type PatternDetail = z.infer<typeof PatternDetail>;

/** The confidence trajectory: seed 002's formula applied after each verdict, oldest first. */
export function feedbackHistory(baseConfidence: number, feedback: readonly Feedback[]): FeedbackStep[] {
  let accurate = 0;
  return feedback.map((item, index) => {
    if (item.accurate) accurate += 1;
    return {
      feedbackId: item.id,
      predictionId: item.predictionId,
      accurate: item.accurate,
      rating: item.rating,
      comment: item.comment,
      timestamp: item.timestamp,
      confidenceAfter: adjustedConfidence(baseConfidence, accurate, index + 1),
    };
  });
}

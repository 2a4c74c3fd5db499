import { Feedback, Prediction, type GraphReader } from '@tapio/domain';
import { z } from 'zod';

/**
 * Whether a prediction came true, as the people who lived the incident judged it:
 * `confirmed` when the verdicts say accurate (the latest wins a disagreement),
 * `refuted` when they say wrong, `open` before any verdict.
 */
export const PredictionOutcome = z.enum(['open', 'confirmed', 'refuted']);
export type PredictionOutcome = z.infer<typeof PredictionOutcome>;

export const PredictionAnswer = z.object({
  prediction: Prediction,
  outcome: PredictionOutcome,
  /** Verdicts on this prediction, oldest first. */
  verdicts: z.array(Feedback),
});
export type PredictionAnswer = z.infer<typeof PredictionAnswer>;

export function predictionOutcome(verdicts: readonly Feedback[]): PredictionOutcome {
  const latest = verdicts[verdicts.length - 1];
  if (!latest) return 'open';
  return latest.accurate ? 'confirmed' : 'refuted';
}

export async function predictionAnswer(graph: GraphReader, prediction: Prediction): Promise<PredictionAnswer> {
  const verdicts = (await graph.feedbackFor(prediction.patternId))
    .filter((feedback) => feedback.predictionId === prediction.id)
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  return { prediction, outcome: predictionOutcome(verdicts), verdicts };
}

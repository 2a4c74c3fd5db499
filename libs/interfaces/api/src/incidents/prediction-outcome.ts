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
  /** With `deadline` and, once later events judged it, `result` (came true with the event, or did not happen). */
  prediction: Prediction,
  outcome: PredictionOutcome,
  /** Verdicts on this prediction, oldest first. */
  verdicts: z.array(Feedback),
  /** The incident's other predictions (issued before another pattern named it: the OOM kill predicted from a memory trend), oldest first. */
  others: z.array(Prediction).default([]),
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
  const others = prediction.insightId ? (await graph.predictionsOf({ insightId: prediction.insightId })).filter((other) => other.id !== prediction.id) : [];
  return { prediction, outcome: predictionOutcome(verdicts), verdicts, others };
}

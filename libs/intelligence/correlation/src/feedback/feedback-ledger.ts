import {
  adjustedConfidence,
  DEFAULT_FEEDBACK_POLICY,
  patternStanding,
  patternStatus,
  weightedVerdicts,
  type Feedback,
  type FeedbackPolicy,
  type GraphReader,
  type PatternConfidence,
  type PatternStatus,
  type Prediction,
  type PredictionOutcomes,
} from '@tapio/domain';

/** Judged predictions whose outcomes are remembered per pattern (the newest). */
export const MAX_OUTCOMES_PER_PATTERN = 10_000;

/**
 * The verdicts per pattern, the input of its confidence and standing (FeedbackPolicy):
 * one per prediction and user, a repeat replacing the earlier one (feedback ids are
 * derived from both). Loaded from the graph store on start and updated as feedback
 * arrives, so confidence and standing survive restarts. Predictions later events judged
 * (came true by their deadline, or did not happen) count too, each at
 * `policy.outcomeWeight` of a verdict, unless a person judged that prediction: people's
 * verdicts are the stronger evidence and replace the outcome.
 */
export class FeedbackLedger {
  private readonly verdicts = new Map<string, Map<string, { accurate: boolean; predictionId: string }>>();
  /** Per pattern, per prediction: how far it came true (1 came true, 0 did not happen, the share of its pods that failed for partly true). */
  private readonly outcomes = new Map<string, Map<string, number>>();
  /**
   * Per pattern, its verdicts and outcomes weighed (`learned`), until either changes: every
   * match asks its pattern's status, and a judged prediction re-rates each open incident of
   * its pattern, while weighing reads every outcome kept (up to `maxOutcomes`).
   */
  private readonly weighed = new Map<string, { accurate: number; total: number }>();

  /**
   * `maxOutcomes`: judged predictions remembered per pattern, the oldest forgotten beyond it
   * (confidence learns from the newest). Unbounded, every prediction ever judged stayed (a
   * 30-minute soak: 4 -> 1,714 objects after warm-up) and each confidence read all of them.
   */
  constructor(
    readonly policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY,
    private readonly maxOutcomes = MAX_OUTCOMES_PER_PATTERN,
  ) {}

  record(feedback: Feedback): void {
    this.weighed.delete(feedback.patternId);
    let byId = this.verdicts.get(feedback.patternId);
    if (!byId) this.verdicts.set(feedback.patternId, (byId = new Map()));
    byId.set(feedback.id, { accurate: feedback.accurate, predictionId: feedback.predictionId });
  }

  /** A prediction judged by later events; one without a result changes nothing. */
  recordOutcome(prediction: Prediction): void {
    if (!prediction.result) return;
    this.weighed.delete(prediction.patternId);
    let byPrediction = this.outcomes.get(prediction.patternId);
    if (!byPrediction) this.outcomes.set(prediction.patternId, (byPrediction = new Map()));
    // Taken again, it is the newest: moved to the end of the insertion order.
    byPrediction.delete(prediction.id);
    byPrediction.set(prediction.id, outcomeShare(prediction));
    if (byPrediction.size > this.maxOutcomes) byPrediction.delete(byPrediction.keys().next().value as string);
  }

  /** People's verdicts from the graph (on start, and again when another process may have recorded some). */
  async loadFrom(graph: Pick<GraphReader, 'feedbackFor'>, patternIds: readonly string[]): Promise<void> {
    for (const patternId of patternIds) {
      this.verdicts.delete(patternId);
      this.weighed.delete(patternId);
      for (const feedback of await graph.feedbackFor(patternId)) this.record(feedback);
    }
  }

  /** The outcomes of judged predictions stored in the graph (on start: this process judges the new ones itself). */
  async loadOutcomesFrom(graph: Pick<GraphReader, 'predictionsOf'>, patternIds: readonly string[]): Promise<void> {
    for (const patternId of patternIds) {
      this.outcomes.delete(patternId);
      this.weighed.delete(patternId);
      for (const prediction of await graph.predictionsOf({ patternId })) this.recordOutcome(prediction);
    }
  }

  /** People's verdicts: how many, how many said right. */
  stats(patternId: string): { accurate: number; total: number } {
    const byId = this.verdicts.get(patternId);
    if (!byId) return { accurate: 0, total: 0 };
    let accurate = 0;
    for (const verdict of byId.values()) if (verdict.accurate) accurate += 1;
    return { accurate, total: byId.size };
  }

  /** Outcomes of the pattern's predictions no person judged. */
  outcomeStats(patternId: string): PredictionOutcomes {
    const judgedByPeople = new Set([...(this.verdicts.get(patternId)?.values() ?? [])].map((verdict) => verdict.predictionId));
    const counts = { cameTrue: 0, didNotHappen: 0 };
    for (const [predictionId, share] of this.outcomes.get(patternId) ?? []) {
      if (judgedByPeople.has(predictionId)) continue;
      counts.cameTrue += share;
      counts.didNotHappen += 1 - share;
    }
    return counts;
  }

  private learned(patternId: string): { accurate: number; total: number } {
    let learned = this.weighed.get(patternId);
    if (!learned) this.weighed.set(patternId, (learned = weightedVerdicts(this.stats(patternId), this.outcomeStats(patternId), this.policy)));
    return learned;
  }

  confidence(patternId: string, base: number): number {
    const { accurate, total } = this.learned(patternId);
    return adjustedConfidence(base, accurate, total, this.policy);
  }

  status(patternId: string, base: number): PatternStatus {
    return patternStatus(this.confidence(patternId, base), this.learned(patternId).total, this.policy);
  }

  standing(patternId: string, base: number, matches: number): PatternConfidence {
    return patternStanding(patternId, base, this.stats(patternId), matches, this.policy, this.outcomeStats(patternId));
  }
}

/** How far a judged prediction came true: 1 or 0, and for one partly true the share of its pods (not deleted) that failed. */
function outcomeShare(prediction: Prediction): number {
  const status = prediction.result?.status;
  if (status === 'came_true') return 1;
  if (status !== 'partly_true') return 0;
  const tally = prediction.tally;
  const judged = tally ? tally.expected - tally.gone : 0;
  return tally && judged > 0 ? Math.min(1, tally.failed / judged) : 0.5;
}

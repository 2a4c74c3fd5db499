import { adjustedConfidence, DEFAULT_FEEDBACK_POLICY, patternStanding, patternStatus, type Feedback, type FeedbackPolicy, type GraphReader, type PatternConfidence, type PatternStatus } from '@tapio/domain';

/**
 * The verdicts per pattern, the input of its confidence and standing (FeedbackPolicy):
 * one per prediction and user, a repeat replacing the earlier one (feedback ids are
 * derived from both). Loaded from the graph store on start and updated as feedback
 * arrives, so confidence and standing survive restarts.
 */
export class FeedbackLedger {
  private readonly verdicts = new Map<string, Map<string, boolean>>();

  constructor(readonly policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY) {}

  record(feedback: Feedback): void {
    let byId = this.verdicts.get(feedback.patternId);
    if (!byId) this.verdicts.set(feedback.patternId, (byId = new Map()));
    byId.set(feedback.id, feedback.accurate);
  }

  async loadFrom(graph: Pick<GraphReader, 'feedbackFor'>, patternIds: readonly string[]): Promise<void> {
    for (const patternId of patternIds) {
      this.verdicts.delete(patternId);
      for (const feedback of await graph.feedbackFor(patternId)) this.record(feedback);
    }
  }

  stats(patternId: string): { accurate: number; total: number } {
    const byId = this.verdicts.get(patternId);
    if (!byId) return { accurate: 0, total: 0 };
    let accurate = 0;
    for (const verdict of byId.values()) if (verdict) accurate += 1;
    return { accurate, total: byId.size };
  }

  confidence(patternId: string, base: number): number {
    const { accurate, total } = this.stats(patternId);
    return adjustedConfidence(base, accurate, total, this.policy);
  }

  status(patternId: string, base: number): PatternStatus {
    return patternStatus(this.confidence(patternId, base), this.stats(patternId).total, this.policy);
  }

  standing(patternId: string, base: number, matches: number): PatternConfidence {
    return patternStanding(patternId, base, this.stats(patternId), matches, this.policy);
  }
}

import { adjustedConfidence, type Feedback, type GraphStore } from '@tapio/domain';

/**
 * Feedback counts per pattern, the input of seed 002's confidence formula
 * (confidence = base × (0.5 + accuracy × 0.5)). Loaded from the graph store on start
 * and updated as feedback arrives, so confidence survives restarts.
 */
export class FeedbackLedger {
  private readonly counts = new Map<string, { accurate: number; total: number }>();

  record(feedback: Feedback): void {
    const entry = this.counts.get(feedback.patternId) ?? { accurate: 0, total: 0 };
    entry.total += 1;
    if (feedback.accurate) entry.accurate += 1;
    this.counts.set(feedback.patternId, entry);
  }

  async loadFrom(graph: GraphStore, patternIds: readonly string[]): Promise<void> {
    for (const patternId of patternIds) {
      this.counts.delete(patternId);
      for (const feedback of await graph.feedbackFor(patternId)) this.record(feedback);
    }
  }

  stats(patternId: string): { accurate: number; total: number } {
    return this.counts.get(patternId) ?? { accurate: 0, total: 0 };
  }

  confidence(patternId: string, base: number): number {
    const { accurate, total } = this.stats(patternId);
    return adjustedConfidence(base, accurate, total);
  }
}

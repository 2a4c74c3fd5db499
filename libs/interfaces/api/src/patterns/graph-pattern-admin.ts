import { DEFAULT_FEEDBACK_POLICY, patternStanding, type Feedback, type FeedbackPolicy, type GraphReader, type GraphWriter, type PatternConfidence } from '@tapio/domain';
import type { PatternAdmin, PatternReloadResult } from '../context/api-context.js';

/**
 * Pattern administration from the graph alone, for a Tapio that serves the API without
 * a correlation stage (`-mode api`): the patterns are those the correlation stage
 * published to the graph, and confidence is recomputed from the feedback stored there,
 * so it is the same answer whichever process asks.
 */
export class GraphPatternAdmin implements PatternAdmin {
  constructor(
    private readonly graph: Pick<GraphReader, 'patterns' | 'feedbackFor'> & Pick<GraphWriter, 'upsertPatterns' | 'writeFeedback' | 'flush'>,
    readonly policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY,
  ) {}

  list(): Promise<PatternConfidence[]> {
    return this.graph.patterns();
  }

  async get(name: string): Promise<PatternConfidence | undefined> {
    return (await this.graph.patterns()).find((pattern) => pattern.patternId === name);
  }

  /** Without pattern files to read, a reload recomputes every pattern's confidence from the graph's feedback. */
  async reload(): Promise<PatternReloadResult> {
    const patterns = await this.graph.patterns();
    const updated = await Promise.all(patterns.map((pattern) => this.recomputed(pattern)));
    await this.graph.upsertPatterns(updated);
    return { patterns: updated.length, errors: [] };
  }

  async recordFeedback(feedback: Feedback): Promise<PatternConfidence | undefined> {
    await this.graph.writeFeedback(feedback);
    // A buffering store (Neo4j) must hold the verdict before the confidence is recomputed from
    // the stored verdicts, and before the answer says it was recorded.
    await this.graph.flush();
    const pattern = await this.get(feedback.patternId);
    if (!pattern) return undefined;
    const updated = await this.recomputed(pattern);
    await this.graph.upsertPatterns([updated]);
    await this.graph.flush();
    return updated;
  }

  private async recomputed(pattern: PatternConfidence): Promise<PatternConfidence> {
    const feedback = await this.graph.feedbackFor(pattern.patternId);
    const accurate = feedback.filter((item) => item.accurate).length;
    // The outcomes of predictions later events judged, as the correlation stage stored them (a verdict replaces the outcome of its prediction there).
    return patternStanding(pattern.patternId, pattern.baseConfidence, { accurate, total: feedback.length }, pattern.matches, this.policy, pattern.outcomes);
  }
}

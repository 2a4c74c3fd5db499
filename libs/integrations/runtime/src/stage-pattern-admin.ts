import type { Feedback, FeedbackPolicy, GraphStore, PatternConfidence, PatternLoadError } from '@tapio/domain';
import type { ProcessingStage } from './processing-stage.js';

/**
 * Pattern administration for a Tapio that runs the correlation stage: the loaded
 * patterns with live match counts, reload from the pattern files, and feedback that
 * moves the engine's confidence at once (open incidents included) as well as the
 * graph's (so it survives restarts). Reads compute from the stage and write nothing.
 */
/** What a reload found: the patterns loaded and the files or documents refused. */
export interface PatternReloadResult {
  patterns: number;
  errors: PatternLoadError[];
}

export class StagePatternAdmin {
  constructor(
    private readonly stage: ProcessingStage,
    private readonly graph: GraphStore,
  ) {}

  get policy(): FeedbackPolicy {
    return this.stage.ledger.policy;
  }

  async list(): Promise<PatternConfidence[]> {
    return this.stage.patterns.patterns
      .map((pattern) => this.stage.ledger.standing(pattern.metadata.name, pattern.spec.predictions[0]?.confidence_base ?? 0.5, this.stage.engine.matches(pattern.metadata.name)))
      .sort((a, b) => a.patternId.localeCompare(b.patternId));
  }

  async get(name: string): Promise<PatternConfidence | undefined> {
    return (await this.list()).find((pattern) => pattern.patternId === name);
  }

  async reload(): Promise<PatternReloadResult> {
    const set = await this.stage.reload();
    await this.stage.publishPatternStats();
    return { patterns: set.patterns.length, errors: set.errors };
  }

  async recordFeedback(feedback: Feedback): Promise<PatternConfidence | undefined> {
    await this.graph.writeFeedback(feedback);
    this.stage.ledger.record(feedback);
    // Open incidents of the pattern and their open predictions, re-rated (a trend's own quality
    // still scales its prediction), written and published like any other new version.
    await this.stage.writeInsights(this.stage.engine.rerate(feedback.patternId));
    await this.stage.publishPatternStats();
    // The verdict is durable (and readable, on a buffering store such as Neo4j) before it is acknowledged.
    await this.graph.flush();
    return this.get(feedback.patternId);
  }
}

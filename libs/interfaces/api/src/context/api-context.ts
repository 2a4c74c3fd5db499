import type { ComponentHealth, Feedback, FeedbackPolicy, GraphQuestions, GraphReader, Logger, Metrics, PatternConfidence, PatternLoadError } from '@tapio/domain';

/** Health of every component, grouped the way the runtime reports it (collectors nest by id). */
export type HealthReport = Record<string, ComponentHealth | Record<string, ComponentHealth>>;

export interface PatternReloadResult {
  patterns: number;
  errors: PatternLoadError[];
}

/**
 * What the API needs to know and do about behavior patterns. The app implements it
 * over its correlation stage (live confidence, hot reload) or, when it runs the API
 * alone, over the graph (see GraphPatternAdmin).
 */
export interface PatternAdmin {
  /** How verdicts move confidence and standing (tapio.yaml `correlation.feedback`); the default policy when absent. */
  readonly policy?: FeedbackPolicy;
  list(): Promise<PatternConfidence[]>;
  get(name: string): Promise<PatternConfidence | undefined>;
  /** Re-reads the patterns now. */
  reload(): Promise<PatternReloadResult>;
  /**
   * Stores the verdict (Feedback -VALIDATES-> Prediction) and moves the pattern's
   * confidence by seed 002's formula. Resolves to the pattern's new state, or undefined
   * when no such pattern is known (the feedback is still stored).
   */
  recordFeedback(feedback: Feedback): Promise<PatternConfidence | undefined>;
}

/** The part of the knowledge graph the API's routes read: lookups and the questions (writes go through PatternAdmin). */
export type ApiGraph = GraphReader & GraphQuestions;

/** Everything the REST API reads and writes; the composition root provides it. */
export interface ApiContext {
  graph: ApiGraph;
  health(): HealthReport;
  metrics: Metrics;
  patterns: PatternAdmin;
  logger?: Logger;
  /** Time source for feedback timestamps. */
  now?: () => Date;
  /** Called before each /metrics scrape, to set gauges sampled from live components (queue depths...). */
  beforeScrape?: () => void | Promise<void>;
}

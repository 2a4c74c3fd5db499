import { severityRank, type Insight, type UnifiedEvent } from '@tapio/domain';
import {
  CorrelationEngine,
  FeedbackLedger,
  loadBuiltinPatterns,
  builtinCorrelators,
} from '../../src/index.js';

/** The shipped YAML patterns, parsed as the directory source parses them (a broken one fails the test run). */
export const builtinPatterns = loadBuiltinPatterns;

/** A real engine: the five correlators and every built-in pattern. */
export function builtinEngine(ledger = new FeedbackLedger()): CorrelationEngine {
  const engine = new CorrelationEngine(builtinCorrelators(), ledger);
  engine.setPatterns(builtinPatterns());
  return engine;
}

/** Every event through a fresh built-in engine; the insights, most likely first. */
export function analyze(events: readonly UnifiedEvent[]): Insight[] {
  const engine = builtinEngine();
  for (const event of events) engine.process(event);
  engine.releaseDue(Number.POSITIVE_INFINITY);
  return engine.rootInsights();
}

export function loud(insights: readonly Insight[]): Insight[] {
  return insights.filter((insight) => severityRank(insight.severity) >= severityRank('medium'));
}

export function summary(insights: readonly Insight[]): string {
  return insights.map((insight) => `${insight.pattern}[${insight.severity}] root=${insight.rootCause.entity.kind}/${insight.rootCause.entity.namespace ?? ''}/${insight.rootCause.entity.name}`).join('; ') || '(none)';
}

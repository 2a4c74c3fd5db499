import type { Insight } from '@tapio/domain';
import {
  CorrelationEngine,
  DependencyCorrelator,
  FeedbackLedger,
  OwnershipCorrelator,
  loadBuiltinPatterns,
  PerformanceCorrelator,
  SequenceCorrelator,
  TemporalCorrelator,
} from '@tapio/correlation';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { DeadLetterStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';

export interface Analysis {
  engine: CorrelationEngine;
  insights: Insight[];
  produced: number;
  rejected: number;
}

/**
 * What `tapio analyze` computes, in process: every recorded line through the real
 * pipeline (validation, kubeapi transformer) and the correlation engine with the five
 * correlators and the built-in patterns. Lines are NDJSON text or parsed objects.
 */
export function analyzeRecording(lines: ReadonlyArray<string | object>, ledger = new FeedbackLedger()): Analysis {
  const deadLetters = new DeadLetterStore();
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters, validateOutput: true });
  const engine = new CorrelationEngine([new TemporalCorrelator(), new SequenceCorrelator(), new DependencyCorrelator(), new OwnershipCorrelator(), new PerformanceCorrelator()], ledger);
  engine.setPatterns(loadBuiltinPatterns());
  let produced = 0;
  lines.forEach((line, index) => {
    const result = typeof line === 'string' ? pipeline.processLine(line, `line ${index + 1}`) : pipeline.process(line, `line ${index + 1}`);
    if (!result.ok) return;
    for (const event of result.events) {
      produced += 1;
      engine.process(event);
    }
  });
  engine.releaseDue(Number.POSITIVE_INFINITY);
  return { engine, insights: engine.insights(), produced, rejected: deadLetters.count() };
}

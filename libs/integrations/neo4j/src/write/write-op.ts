import type { Correlation, Feedback, Insight, PatternConfidence, Prediction, TopologyChange, UnifiedEvent } from '@tapio/domain';

/** One accepted write, held in the buffer until a transaction containing it commits. */
export type WriteOp =
  | { kind: 'topology'; change: TopologyChange }
  | { kind: 'event'; event: UnifiedEvent }
  | { kind: 'correlation'; correlation: Correlation }
  | { kind: 'prediction'; prediction: Prediction }
  | { kind: 'insight'; insight: Insight }
  | { kind: 'pattern'; pattern: PatternConfidence }
  | { kind: 'feedback'; feedback: Feedback };

/** A short description of an op for logs and dead letters. */
export function describeOp(op: WriteOp): string {
  switch (op.kind) {
    case 'topology':
      return op.change.op === 'upsert' ? `topology upsert ${op.change.node.key}` : `topology delete ${op.change.key}`;
    case 'event':
      return `event ${op.event.id}`;
    case 'correlation':
      return `${op.correlation.kind} ${op.correlation.fromEventId} -> ${op.correlation.toEventId}`;
    case 'prediction':
      return `prediction ${op.prediction.id}`;
    case 'insight':
      return `insight ${op.insight.id}`;
    case 'pattern':
      return `pattern ${op.pattern.patternId}`;
    case 'feedback':
      return `feedback ${op.feedback.id}`;
  }
}

export function payloadOf(op: WriteOp): unknown {
  switch (op.kind) {
    case 'topology':
      return op.change;
    case 'event':
      return op.event;
    case 'correlation':
      return op.correlation;
    case 'prediction':
      return op.prediction;
    case 'insight':
      return op.insight;
    case 'pattern':
      return op.pattern;
    case 'feedback':
      return op.feedback;
  }
}

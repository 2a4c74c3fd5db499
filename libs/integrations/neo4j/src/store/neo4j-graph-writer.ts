import {
  Correlation,
  Feedback,
  Insight,
  PatternConfidence,
  Prediction,
  TopologyChange,
  UnifiedEvent,
  type GraphWrite,
  type GraphWriter,
} from '@tapio/domain';
import { validateAll } from '../validate-input.js';
import type { WriteBuffer } from '../write/write-buffer.js';
import type { WriteOp } from '../write/write-op.js';

/**
 * The GraphWriter port on Neo4j: checks each unit, then accepts its ops into the bounded
 * write buffer that the batch writer empties into Neo4j. `requireRunning` refuses writes
 * while the store is not started.
 */
export class Neo4jGraphWriter implements GraphWriter {
  constructor(
    private readonly buffer: WriteBuffer,
    private readonly requireRunning: () => void,
  ) {}

  /** Validates the whole unit first, then accepts its ops into the buffer together: one unit of work. */
  async write(unit: GraphWrite): Promise<void> {
    const { topology = [], events = [], correlations = [], insights = [], predictions = [] } = unit;
    validateAll(TopologyChange, topology, 'topology change', (change) => (change.op === 'upsert' ? change.node.key : change.key));
    validateAll(UnifiedEvent, events, 'event', (event) => event.id);
    validateAll(Correlation, correlations, 'correlation', (c) => `${c.kind} ${c.fromEventId} -> ${c.toEventId}`);
    validateAll(Prediction, predictions, 'prediction', (prediction) => prediction.id);
    validateAll(Insight, insights, 'insight', (insight) => insight.id);
    await this.accept([
      ...topology.map((change): WriteOp => ({ kind: 'topology', change })),
      ...events.map((event): WriteOp => ({ kind: 'event', event })),
      ...correlations.map((correlation): WriteOp => ({ kind: 'correlation', correlation })),
      ...predictions.map((prediction): WriteOp => ({ kind: 'prediction', prediction })),
      ...insights.map((insight): WriteOp => ({ kind: 'insight', insight })),
    ]);
  }

  async upsertPatterns(patterns: readonly PatternConfidence[]): Promise<void> {
    validateAll(PatternConfidence, patterns, 'pattern', (pattern) => pattern.patternId);
    await this.accept(patterns.map((pattern) => ({ kind: 'pattern', pattern })));
  }

  async writeFeedback(feedback: Feedback): Promise<void> {
    validateAll(Feedback, [feedback], 'feedback', (item) => item.id);
    await this.accept([{ kind: 'feedback', feedback }]);
  }

  /** Resolves when every write accepted before the call is committed in Neo4j. */
  async flush(): Promise<void> {
    this.requireRunning();
    await this.buffer.drained();
  }

  private async accept(ops: WriteOp[]): Promise<void> {
    this.requireRunning();
    await this.buffer.add(ops);
  }
}

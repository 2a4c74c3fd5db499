import type { Feedback, PatternConfidence, Prediction, TopologyIndex } from '@tapio/domain';
import type { RetentionPolicy } from '../event-log.js';
import { CorrelationEdges } from './correlation-edges.js';
import { EventShelf } from './event-shelf.js';
import { InsightShelf } from './insight-shelf.js';
import { ResourceNames } from './resource-names.js';

/**
 * Everything the embedded graph holds, shared by its writer, reader and questions. The
 * topology index may be shared with the correlation engine of the same process.
 */
export class MemoryGraphData {
  readonly names: ResourceNames;
  readonly events: EventShelf;
  readonly correlations = new CorrelationEdges();
  readonly insights: InsightShelf;
  /** Predictions by id, oldest first; as many are kept as insights (`maxInsights`). */
  readonly predictions = new Map<string, Prediction>();
  readonly feedback = new Map<string, Map<string, Feedback>>();
  readonly patterns = new Map<string, PatternConfidence>();

  constructor(
    readonly topology: TopologyIndex,
    retention: RetentionPolicy,
    readonly maxInsights: number,
  ) {
    this.names = new ResourceNames(topology);
    this.events = new EventShelf(retention);
    this.insights = new InsightShelf(maxInsights);
  }

  /**
   * Stores a prediction (a newer version replacing the older one, in place). Beyond
   * `maxInsights` the oldest go: they were never pruned, so every prediction of the run
   * stayed in memory.
   */
  putPrediction(prediction: Prediction): void {
    this.predictions.set(prediction.id, prediction);
    while (this.predictions.size > this.maxInsights) this.predictions.delete(this.predictions.keys().next().value as string);
  }
}

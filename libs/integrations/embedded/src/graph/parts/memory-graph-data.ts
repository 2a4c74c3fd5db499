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
  readonly predictions = new Map<string, Prediction>();
  readonly feedback = new Map<string, Map<string, Feedback>>();
  readonly patterns = new Map<string, PatternConfidence>();

  constructor(
    readonly topology: TopologyIndex,
    retention: RetentionPolicy,
    maxInsights: number,
  ) {
    this.names = new ResourceNames(topology);
    this.events = new EventShelf(retention);
    this.insights = new InsightShelf(maxInsights);
  }
}

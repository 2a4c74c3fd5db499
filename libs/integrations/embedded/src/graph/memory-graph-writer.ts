import { entityKey, type Feedback, type GraphWrite, type GraphWriter, type PatternConfidence, type TopologyChange, type UnifiedEvent, type Correlation } from '@tapio/domain';
import type { MemoryGraphData } from './parts/memory-graph-data.js';

/** Writes to the embedded graph: applied synchronously, so nothing is ever buffered. */
export class MemoryGraphWriter implements GraphWriter {
  constructor(private readonly data: MemoryGraphData) {}

  async write(unit: GraphWrite): Promise<void> {
    if (unit.topology?.length) this.applyTopology(unit.topology);
    if (unit.events?.length) this.writeEvents(unit.events);
    if (unit.correlations?.length) this.writeCorrelations(unit.correlations);
    for (const prediction of unit.predictions ?? []) this.data.putPrediction(prediction);
    if (unit.insights?.length) this.data.insights.put(unit.insights);
  }

  async upsertPatterns(patterns: readonly PatternConfidence[]): Promise<void> {
    for (const pattern of patterns) this.data.patterns.set(pattern.patternId, pattern);
  }

  async writeFeedback(feedback: Feedback): Promise<void> {
    let byId = this.data.feedback.get(feedback.patternId);
    if (!byId) this.data.feedback.set(feedback.patternId, (byId = new Map()));
    byId.set(feedback.id, feedback);
  }

  async flush(): Promise<void> {
    // Writes are applied synchronously; nothing is buffered.
  }

  private applyTopology(changes: readonly TopologyChange[]): void {
    const { topology, names } = this.data;
    for (const change of changes) {
      // On a shared index the engine applied the change already: applying it again changes nothing.
      topology.apply(change);
      if (change.op !== 'upsert') continue;
      names.index(change.node.key, change.node.ref);
      for (const edge of change.edges) {
        names.ensureNode(edge.from, change.node.updatedAt);
        names.ensureNode(edge.to, change.node.updatedAt);
      }
    }
  }

  private writeEvents(events: readonly UnifiedEvent[]): void {
    const { events: shelf, names, correlations } = this.data;
    for (const event of events) {
      const key = event.entity ? entityKey(event.entity) : undefined;
      if (!shelf.add(event, key)) continue;
      if (key !== undefined && event.entity) names.ensureNode(key, event.timestamp, event.entity);
    }
    for (const evicted of shelf.evict()) correlations.forget(evicted.id);
  }

  private writeCorrelations(correlations: readonly Correlation[]): void {
    for (const correlation of correlations) {
      if (!this.data.events.has(correlation.fromEventId) || !this.data.events.has(correlation.toEventId)) continue;
      this.data.correlations.add(correlation);
    }
  }
}

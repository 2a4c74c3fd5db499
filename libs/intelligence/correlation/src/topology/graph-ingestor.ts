import type { GraphStore, UnifiedEvent } from '@tapio/domain';
import { TopologyProjector } from './topology-projector.js';

/**
 * Writes UnifiedEvents into the knowledge graph: topology changes first (so every
 * event's entity exists with its edges), then the events with their AFFECTS edges.
 * Idempotent, like the store's writes: a redelivered event changes nothing.
 */
export class GraphIngestor {
  private readonly projector = new TopologyProjector();

  constructor(private readonly graph: GraphStore) {}

  async ingest(events: readonly UnifiedEvent[]): Promise<void> {
    const changes = events.flatMap((event) => this.projector.project(event));
    if (changes.length) await this.graph.applyTopology(changes);
    await this.graph.writeEvents([...events]);
  }
}

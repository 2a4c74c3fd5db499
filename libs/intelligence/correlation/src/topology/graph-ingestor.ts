import type { GraphWriter, UnifiedEvent } from '@tapio/domain';
import { TopologyProjector } from './topology-projector.js';

/**
 * Writes UnifiedEvents into the knowledge graph: topology changes first (so every
 * event's entity exists with its edges), then the events with their AFFECTS edges.
 * Idempotent, like the store's writes: a redelivered event changes nothing.
 */
export class GraphIngestor {
  private readonly projector = new TopologyProjector();

  constructor(private readonly graph: GraphWriter) {}

  async ingest(events: readonly UnifiedEvent[]): Promise<void> {
    const changes = events.flatMap((event) => this.projector.project(event));
    await this.graph.write({ topology: changes, events });
  }
}

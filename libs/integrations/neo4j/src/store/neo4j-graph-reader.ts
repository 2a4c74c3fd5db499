import type {
  EntityRef,
  EventQuery,
  Feedback,
  GraphReader,
  GraphStats,
  Insight,
  InsightQuery,
  Page,
  PatternConfidence,
  Prediction,
  ResourceNode,
  TopologyEdge,
  TopologySnapshot,
  UnifiedEvent,
} from '@tapio/domain';
import * as lookups from '../read/lookups.js';
import { eventsPage, insightsPage } from '../read/pages.js';
import type { ReadRunner } from './read-runner.js';

/** The GraphReader port on Neo4j: lookups by id, key or page, each in a read transaction. */
export class Neo4jGraphReader implements GraphReader {
  constructor(private readonly read: ReadRunner) {}

  resource(ref: EntityRef): Promise<ResourceNode | undefined> {
    return this.read((tx) => lookups.resource(tx, ref));
  }

  edgesOf(key: string): Promise<TopologyEdge[]> {
    return this.read((tx) => lookups.edgesOf(tx, key));
  }

  topologySnapshot(): Promise<TopologySnapshot> {
    return this.read((tx) => lookups.topologySnapshot(tx));
  }

  event(id: string): Promise<UnifiedEvent | undefined> {
    return this.read((tx) => lookups.event(tx, id));
  }

  events(query: EventQuery): Promise<Page<UnifiedEvent>> {
    return this.read((tx) => eventsPage(tx, query));
  }

  insight(id: string): Promise<Insight | undefined> {
    return this.read((tx) => lookups.insight(tx, id));
  }

  insights(query: InsightQuery): Promise<Page<Insight>> {
    return this.read((tx) => insightsPage(tx, query));
  }

  prediction(id: string): Promise<Prediction | undefined> {
    return this.read((tx) => lookups.prediction(tx, id));
  }

  predictionsOf(query: { patternId?: string; insightId?: string }): Promise<Prediction[]> {
    return this.read((tx) => lookups.predictionsOf(tx, query));
  }

  feedbackFor(patternId: string): Promise<Feedback[]> {
    return this.read((tx) => lookups.feedbackFor(tx, patternId));
  }

  patterns(): Promise<PatternConfidence[]> {
    return this.read((tx) => lookups.patterns(tx));
  }

  stats(): Promise<GraphStats> {
    return this.read((tx) => lookups.stats(tx));
  }
}

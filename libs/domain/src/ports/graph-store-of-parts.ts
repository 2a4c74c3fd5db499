import type { ComponentHealth, EntityRef, Insight, ResourceNode, TopologyEdge, TopologySnapshot, UnifiedEvent } from '@tapio/plugin-api';
import type { Feedback, PatternConfidence } from '../insights/feedback.js';
import type { Prediction } from '../insights/prediction.js';
import type {
  CauseEffectCount,
  DeathSpiral,
  EventContext,
  EventQuery,
  GraphStats,
  ImpactAnswer,
  InsightQuery,
  Page,
  TimeRange,
  WhyAnswer,
} from '../graph/queries.js';
import type { GraphQuestions, GraphReader, GraphStore, GraphWrite, GraphWriter } from './graph-store.js';

/**
 * A GraphStore made of one writer, one reader and one questions part (the shape both the
 * embedded and the Neo4j store have): the port methods go to their part here, once, so a
 * store only starts, stops, reports health and builds its parts. A method added to a
 * port is then forwarded for every store in one place.
 */
export abstract class GraphStoreOfParts implements GraphStore {
  abstract readonly writer: GraphWriter;
  abstract readonly reader: GraphReader;
  abstract readonly questions: GraphQuestions;
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  abstract health(): ComponentHealth;

  // ---- GraphWriter -------------------------------------------------------
  write(unit: GraphWrite): Promise<void> {
    return this.writer.write(unit);
  }
  upsertPatterns(patterns: readonly PatternConfidence[]): Promise<void> {
    return this.writer.upsertPatterns(patterns);
  }
  writeFeedback(feedback: Feedback): Promise<void> {
    return this.writer.writeFeedback(feedback);
  }
  flush(): Promise<void> {
    return this.writer.flush();
  }

  // ---- GraphReader -------------------------------------------------------
  resource(ref: EntityRef): Promise<ResourceNode | undefined> {
    return this.reader.resource(ref);
  }
  edgesOf(key: string): Promise<TopologyEdge[]> {
    return this.reader.edgesOf(key);
  }
  topologySnapshot(): Promise<TopologySnapshot> {
    return this.reader.topologySnapshot();
  }
  event(id: string): Promise<UnifiedEvent | undefined> {
    return this.reader.event(id);
  }
  events(query: EventQuery): Promise<Page<UnifiedEvent>> {
    return this.reader.events(query);
  }
  insight(id: string): Promise<Insight | undefined> {
    return this.reader.insight(id);
  }
  insights(query: InsightQuery): Promise<Page<Insight>> {
    return this.reader.insights(query);
  }
  prediction(id: string): Promise<Prediction | undefined> {
    return this.reader.prediction(id);
  }
  predictionsOf(query: { patternId?: string; insightId?: string }): Promise<Prediction[]> {
    return this.reader.predictionsOf(query);
  }
  feedbackFor(patternId: string): Promise<Feedback[]> {
    return this.reader.feedbackFor(patternId);
  }
  patterns(): Promise<PatternConfidence[]> {
    return this.reader.patterns();
  }
  stats(): Promise<GraphStats> {
    return this.reader.stats();
  }

  // ---- GraphQuestions ----------------------------------------------------
  why(ref: EntityRef, range: TimeRange): Promise<WhyAnswer> {
    return this.questions.why(ref, range);
  }
  eventContext(eventId: string): Promise<EventContext | undefined> {
    return this.questions.eventContext(eventId);
  }
  impact(ref: EntityRef): Promise<ImpactAnswer> {
    return this.questions.impact(ref);
  }
  timeline(ref: EntityRef, range: TimeRange): Promise<UnifiedEvent[]> {
    return this.questions.timeline(ref, range);
  }
  deathSpirals(since: string, minRestarts: number): Promise<DeathSpiral[]> {
    return this.questions.deathSpirals(since, minRestarts);
  }
  patternDiscovery(minOccurrences: number): Promise<CauseEffectCount[]> {
    return this.questions.patternDiscovery(minOccurrences);
  }
}

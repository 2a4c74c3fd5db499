import type { EntityRef } from '../entities/entity-ref.js';
import type { UnifiedEvent } from '../events/unified-event.js';
import type { Feedback, PatternConfidence } from '../insights/feedback.js';
import type { Correlation, Insight } from '../insights/insight.js';
import type { Prediction } from '../insights/prediction.js';
import type { ResourceNode, TopologyChange, TopologyEdge, TopologySnapshot } from '../graph/graph-model.js';
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
import type { ComponentHealth } from './health.js';
import { token } from './token.js';

/**
 * Tapio's knowledge graph: topology, events, correlations, insights, patterns,
 * predictions and feedback (seeds 000 §4 and 002 §5). Every write is idempotent:
 * writing the same event, edge or insight twice leaves the graph as after once.
 * Writes may be buffered; `flush` resolves when everything written so far is durable
 * in the store.
 */
export interface GraphStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): ComponentHealth;
  flush(): Promise<void>;

  applyTopology(changes: TopologyChange[]): Promise<void>;
  /** Event nodes plus an AFFECTS edge to each event's entity (created if unknown). */
  writeEvents(events: UnifiedEvent[]): Promise<void>;
  writeCorrelations(correlations: Correlation[]): Promise<void>;
  /** Insight nodes, with Event -MATCHES-> Pattern, Pattern -PREDICTED-> Prediction, Insight -EXPLAINS-> Event. */
  writeInsights(insights: Insight[], predictions: Prediction[]): Promise<void>;
  upsertPatterns(patterns: PatternConfidence[]): Promise<void>;
  /** Feedback -VALIDATES-> Prediction. */
  writeFeedback(feedback: Feedback): Promise<void>;

  resource(ref: EntityRef): Promise<ResourceNode | undefined>;
  /** Outgoing and incoming topology edges of a resource. */
  edgesOf(key: string): Promise<TopologyEdge[]>;
  /** Every resource (deleted ones included) and topology edge: a restarted correlation worker's starting topology. */
  topologySnapshot(): Promise<TopologySnapshot>;
  event(id: string): Promise<UnifiedEvent | undefined>;
  events(query: EventQuery): Promise<Page<UnifiedEvent>>;
  insight(id: string): Promise<Insight | undefined>;
  insights(query: InsightQuery): Promise<Page<Insight>>;
  prediction(id: string): Promise<Prediction | undefined>;
  feedbackFor(patternId: string): Promise<Feedback[]>;
  patterns(): Promise<PatternConfidence[]>;

  why(ref: EntityRef, range: TimeRange): Promise<WhyAnswer>;
  eventContext(eventId: string): Promise<EventContext | undefined>;
  impact(ref: EntityRef): Promise<ImpactAnswer>;
  timeline(ref: EntityRef, range: TimeRange): Promise<UnifiedEvent[]>;
  deathSpirals(since: string, minRestarts: number): Promise<DeathSpiral[]>;
  patternDiscovery(minOccurrences: number): Promise<CauseEffectCount[]>;
  stats(): Promise<GraphStats>;
}
export const GraphStore = token<GraphStore>('GraphStore');

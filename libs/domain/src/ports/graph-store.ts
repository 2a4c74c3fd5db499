import type { ComponentHealth, Correlation, EntityRef, Insight, ResourceNode, TopologyChange, TopologyEdge, TopologySnapshot, UnifiedEvent } from '@tapio/plugin-api';
import { token, type ProvidedService, type Token } from '@tapio/plugin-api';
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

/**
 * One unit of work for the graph: what the correlation engine produced for one event (or
 * a warm start, or held matches released). Applied in the order topology, events,
 * correlations, predictions, insights, so every edge finds its ends.
 */
export interface GraphWrite {
  topology?: readonly TopologyChange[];
  /** Event nodes plus an AFFECTS edge to each event's entity (created if unknown). */
  events?: readonly UnifiedEvent[];
  correlations?: readonly Correlation[];
  /** Insight nodes, with Event -MATCHES-> Pattern, Pattern -PREDICTED-> Prediction, Insight -EXPLAINS-> Event. */
  insights?: readonly Insight[];
  predictions?: readonly Prediction[];
}

/**
 * Writes to the knowledge graph. Every write is idempotent: writing the same event, edge
 * or insight twice leaves the graph as after once. Writes may be buffered; `flush`
 * resolves when everything written so far is durable in the store.
 */
export interface GraphWriter {
  write(unit: GraphWrite): Promise<void>;
  upsertPatterns(patterns: readonly PatternConfidence[]): Promise<void>;
  /** Feedback -VALIDATES-> Prediction. */
  writeFeedback(feedback: Feedback): Promise<void>;
  flush(): Promise<void>;
}
export const GraphWriter = token<GraphWriter>('GraphWriter');

/** Looks things up in the knowledge graph by id, key or page. */
export interface GraphReader {
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
  /** The predictions of a pattern or of an incident (insight), oldest first. */
  predictionsOf(query: { patternId?: string; insightId?: string }): Promise<Prediction[]>;
  feedbackFor(patternId: string): Promise<Feedback[]>;
  patterns(): Promise<PatternConfidence[]>;
  stats(): Promise<GraphStats>;
}
export const GraphReader = token<GraphReader>('GraphReader');

/** The questions Tapio answers from the graph (seed 000 §4): why, impact, context, timeline. */
export interface GraphQuestions {
  why(ref: EntityRef, range: TimeRange): Promise<WhyAnswer>;
  eventContext(eventId: string): Promise<EventContext | undefined>;
  impact(ref: EntityRef): Promise<ImpactAnswer>;
  timeline(ref: EntityRef, range: TimeRange): Promise<UnifiedEvent[]>;
  deathSpirals(since: string, minRestarts: number): Promise<DeathSpiral[]>;
  patternDiscovery(minOccurrences: number): Promise<CauseEffectCount[]>;
}
export const GraphQuestions = token<GraphQuestions>('GraphQuestions');

/**
 * Tapio's knowledge graph (seeds 000 §4 and 002 §5) as a store plugin provides it: the
 * writer, the reader and the questions over one connection, started and stopped
 * together. Consumers depend on the part they use.
 */
export interface GraphStore extends GraphWriter, GraphReader, GraphQuestions {
  /** Other processes read and write the same graph (Neo4j): a transformer-only process can read stored resources from it. */
  readonly shared?: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): ComponentHealth;
  /** A graph kept in this process saves itself to its file now (write-ahead log checkpoints); false when it has no file. */
  saveSnapshot?(): Promise<boolean>;
}
export const GraphStore = token<GraphStore>('GraphStore');

/** The ports a graph store is offered under: "Consumers depend on the part they use" holds for plugins too. */
export const GRAPH_STORE_PORTS: readonly Token<unknown>[] = [GraphStore, GraphWriter, GraphReader, GraphQuestions];

/** What a graph store plugin provides for its store: the store under each of its ports. */
export function graphStoreServices(graph: GraphStore): ProvidedService[] {
  return GRAPH_STORE_PORTS.map((port) => ({ token: port, value: graph }));
}

import { partitionKey, partitionOf, type GraphReader, type Insight, type Logger, type ResourceNode, type UnifiedEvent } from '@tapio/domain';
import type { CorrelationEngine, EngineOutput } from '@tapio/correlation';
import { storedOccurrences } from './stored-occurrences.js';

/** What the warm start does to an engine: hand it the stored topology, then replay events through it. */
export type WarmStartEngine = Pick<CorrelationEngine, 'restoreTopology' | 'process'> & Partial<Pick<CorrelationEngine, 'rememberOccurrences'>>;

/** What the warm start reads from the graph: the topology, a page of events, a stored insight. */
export type WarmStartGraph = Pick<GraphReader, 'topologySnapshot' | 'events' | 'insight' | 'insights'>;

export interface WarmStartOptions {
  windowMs: number;
  maxEvents: number;
  /** A partitioned worker replays only its own share (and the cluster-scoped events every worker gets). */
  partition?: { index: number; count: number };
}

export interface WarmStartResult {
  /** The stored resources the engine started from (the transformer stage remembers them too). */
  resources: ResourceNode[];
  events: number;
  /** Insights the replay produced that the graph did not hold as they are now (a hold that ended while Tapio was down). */
  output: EngineOutput;
}

const PAGE = 1000;
/** Stored incidents taken as previous occurrences at a warm start (the newest). */
const MAX_OCCURRENCES = 10_000;

/**
 * Rebuilds a restarted engine's working state from the graph: the stored topology, then
 * the newest stored events within the window, oldest first, through the engine. The engine
 * is deterministic in event time, so this recreates its causal edges, open incidents and
 * held matches as they were; what it produces is already in the graph, except insights
 * that changed or were never written, which the caller writes.
 */
export async function warmStart(engine: WarmStartEngine, graph: WarmStartGraph, options: WarmStartOptions, logger: Logger): Promise<WarmStartResult> {
  const started = Date.now();
  const topology = await graph.topologySnapshot();
  engine.restoreTopology(topology);
  // Earlier incidents, before the replay reopens the recent ones: with the topology known, a pod's incidents count for its workload.
  if (engine.rememberOccurrences) engine.rememberOccurrences(await storedOccurrences(graph, MAX_OCCURRENCES));
  const events = await recentEvents(graph, options);
  const output: EngineOutput = { correlations: [], insights: [], predictions: [], topology: [] };
  // The last version of each insight and prediction the replay produced.
  const insights = new Map<string, EngineOutput['insights'][number]>();
  const predictions = new Map<string, EngineOutput['predictions'][number]>();
  for (const event of events) {
    const produced = engine.process(event);
    for (const insight of produced.insights) insights.set(insight.id, insight);
    for (const prediction of produced.predictions) predictions.set(prediction.id, prediction);
  }
  for (const insight of insights.values()) {
    const stored = await graph.insight(insight.id);
    if (stored && stored.lastSeen === insight.lastSeen && stored.symptoms.length === insight.symptoms.length && sameFolds(stored, insight)) continue;
    output.insights.push(insight);
    const prediction = insight.predictionId ? predictions.get(insight.predictionId) : undefined;
    if (prediction) output.predictions.push(prediction);
  }
  logger.info({ resources: topology.nodes.length, edges: topology.edges.length, events: events.length, rewritten: output.insights.length, ms: Date.now() - started }, 'correlation warm start: working state rebuilt from the graph');
  return { resources: topology.nodes, events: events.length, output };
}

/** The same folding (what it explains, what explains it) in the stored and the replayed version. */
function sameFolds(stored: Insight, replayed: Insight): boolean {
  const ids = (insight: Insight) => JSON.stringify([insight.explainedBy?.insightId ?? null, (insight.alsoExplains ?? []).map((fold) => fold.insightId)]);
  return ids(stored) === ids(replayed);
}

/** The newest `maxEvents` stored events within the window before the newest one, oldest first. */
async function recentEvents(graph: WarmStartGraph, options: WarmStartOptions): Promise<UnifiedEvent[]> {
  if (options.maxEvents === 0) return [];
  const newest = (await graph.events({ limit: 1 })).items[0];
  if (!newest) return [];
  const since = new Date(Date.parse(newest.timestamp) - options.windowMs).toISOString();
  const mine = (event: UnifiedEvent): boolean => {
    if (!options.partition) return true;
    const key = partitionKey(event);
    return key === null || partitionOf(key, options.partition.count) === options.partition.index;
  };
  const collected: UnifiedEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await graph.events({ since, limit: PAGE, ...(cursor ? { cursor } : {}) });
    for (const event of page.items) if (mine(event) && collected.length < options.maxEvents) collected.push(event);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && collected.length < options.maxEvents);
  // Pages are newest first; the engine wants event order (a stable sort keeps ties as
  // stored). Each time is parsed once, not once per comparison.
  return collected
    .reverse()
    .map((event) => ({ event, at: Date.parse(event.timestamp) }))
    .sort((a, b) => a.at - b.at)
    .map(({ event }) => event);
}

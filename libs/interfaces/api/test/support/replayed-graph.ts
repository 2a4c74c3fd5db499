import { readFileSync } from 'node:fs';
import { RawEvent, type GraphStore, type PatternSet } from '@tapio/domain';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import {
  BUILTIN_PATTERN_DIR,
  CorrelationEngine,
  DirectoryPatternSource,
  FeedbackLedger,
  builtinCorrelators,
} from '@tapio/correlation';
import { DeadLetterStore, MemoryGraphStore } from '@tapio/embedded';
import { Pipeline, seedMappingTransformers } from '@tapio/pipeline';

const RECORDINGS = new URL('../../../../../examples/recordings/', import.meta.url);

export interface ReplayedGraph<G extends GraphStore = MemoryGraphStore> {
  graph: G;
  engine: CorrelationEngine;
  patterns: PatternSet;
}

/**
 * A shared scenario recording replayed the way the running Tapio does it
 * (pipeline → correlation engine → graph, pattern stats published), minus the bus.
 */
export async function replayedGraph(scenario: string, options?: { snapshotFile?: string; releaseHeld?: boolean }): Promise<ReplayedGraph>;
/** The same, written into `store` (started by the caller): a Neo4j graph, so every route is tested on both stores. */
export async function replayedGraph<G extends GraphStore>(scenario: string, options: { store: G; releaseHeld?: boolean }): Promise<ReplayedGraph<G>>;
export async function replayedGraph(scenario: string, options: { snapshotFile?: string; store?: GraphStore; releaseHeld?: boolean } = {}): Promise<ReplayedGraph<GraphStore>> {
  const graph = options.store ?? new MemoryGraphStore(options.snapshotFile ? { snapshotFile: options.snapshotFile } : {});
  if (!options.store) await graph.start();
  const pipeline = new Pipeline({ transformers: [...seedMappingTransformers, new KubeApiTransformer()], deadLetters: new DeadLetterStore(), cluster: 'default' });
  const ledger = new FeedbackLedger();
  const engine = new CorrelationEngine(
    builtinCorrelators(),
    ledger,
  );
  const patterns = await new DirectoryPatternSource([BUILTIN_PATTERN_DIR]).load();
  engine.setPatterns(patterns.patterns);
  const lines = readFileSync(new URL(`${scenario}.ndjson`, RECORDINGS), 'utf8').split('\n').filter(Boolean);
  for (const line of lines) {
    const result = pipeline.transform(RawEvent.parse(JSON.parse(line)));
    if (!result.ok) throw new Error(`recording line refused: ${result.reason}`);
    for (const event of result.events) {
      const output = engine.process(event);
      await graph.write({ topology: output.topology, events: [event], correlations: output.correlations, insights: output.insights, predictions: output.predictions });
    }
  }
  if (options.releaseHeld) {
    // The recording ended: matches still held (waiting to see whether the trouble clears) are reported, as tapio analyze does.
    const released = engine.releaseDue(Number.POSITIVE_INFINITY);
    await graph.write({ insights: released.insights, predictions: released.predictions });
  }
  await graph.upsertPatterns(
    patterns.patterns.map((pattern) => ({
      patternId: pattern.metadata.name,
      baseConfidence: pattern.spec.predictions[0]?.confidence_base ?? 0.5,
      confidence: pattern.spec.predictions[0]?.confidence_base ?? 0.5,
      accuracy: null,
      feedbackCount: 0,
      accurateCount: 0,
      matches: engine.matches(pattern.metadata.name),
      status: 'learning' as const,
    })),
  );
  await graph.flush();
  return { graph, engine, patterns };
}

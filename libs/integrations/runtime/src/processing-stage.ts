import { resolve } from 'node:path';
import { DEFAULT_FEEDBACK_POLICY, parseDuration, partitionKey, type FeedbackPolicy, type TopologyIndex, type Correlator, type ResourceNode, type EventBus, type GraphStore, type BusDelivery, type Logger, type Insight, type PatternSet, type UnifiedEvent } from '@tapio/domain';
import { applyPatternOverrides, BUILTIN_PATTERN_DIR, CorrelationEngine, DirectoryPatternSource, FeedbackLedger, readPatternBundle, type EngineLimits, type EngineOutput, type PatternOverride } from '@tapio/correlation';
import type { DegradationMonitor } from './degradation.js';
import { InsightPublisher } from './insight-publisher.js';
import { EventTracing } from './tracing/event-tracing.js';
import { storedOccurrences } from './stored-occurrences.js';
import { warmStart } from './warm-start.js';

/** The correlation section of tapio.yaml, as the stage reads it. */
export interface ProcessingConfig {
  /** How far back the engine's working state reaches (event time), e.g. `2h`. */
  window: string;
  maxEvents: number;
  mergeWindow: string;
  builtinPatterns: boolean;
  /** Extra pattern directories, relative to `baseDir`. */
  patterns: readonly string[];
  /** How the pattern directories are watched (tapio.yaml `correlation.patternWatch`): polling when `pollInterval` is set. */
  patternWatch?: { pollInterval?: string | undefined; debounce: string };
  warmStart: { enabled: boolean; maxEvents: number };
  /** What the engine remembers besides its window (tapio.yaml `correlation.limits`); unset keeps the engine's defaults. */
  limits?: EngineLimits;
  /** How verdicts move a pattern's confidence, and when it is retired or promoted (tapio.yaml `correlation.feedback`). */
  feedback?: FeedbackPolicy;
  /** Pattern settings by name over their files' (tapio.yaml `correlation.patternOverrides`): `holdFor`. */
  patternOverrides?: Readonly<Record<string, PatternOverride>>;
}

/**
 * unified → correlation engine → knowledge graph, and insights → bus. Patterns load
 * from the built-in and configured directories and reload live; feedback counts load
 * from the graph so confidence survives restarts.
 */
export class ProcessingStage {
  readonly engine: CorrelationEngine;
  readonly ledger: FeedbackLedger;
  private readonly source: DirectoryPatternSource;
  private stopWatching: (() => Promise<void>) | undefined;
  private patternSet: PatternSet = { patterns: [], errors: [], files: {} };
  private handled = 0;
  /** Engine calls so far: the order of the insight versions they produced. */
  private engineCalls = 0;
  private readonly insightPublisher: InsightPublisher;
  private feedbackTimer: NodeJS.Timeout | undefined;
  private holdTimer: NodeJS.Timeout | undefined;
  /** Wall-clock time the last event was handled, to let engine time run on while the stream is quiet. */
  private lastEventWallMs = Date.now();
  private readonly partitionKeys = new Set<string>();
  /** Degraded: predictions skipped; read-only or maintenance: no event taken until it passes. */
  degradation: DegradationMonitor | undefined;

  constructor(
    private readonly graph: GraphStore,
    bus: EventBus,
    correlators: readonly Correlator[],
    private readonly config: ProcessingConfig,
    baseDir: string,
    private readonly logger: Logger,
    /**
     * With a durable bus, a message is acknowledged only once its writes are durable in
     * the graph: a worker killed mid-stream then loses nothing (the bus redelivers what
     * was not acknowledged, and every write is idempotent).
     */
    private readonly durableAcks = false,
    /** The graph store's topology index when it lives in this process: the engine keeps it current instead of a copy. */
    topology?: TopologyIndex,
    /** Spans of the event path (telemetry on), continuing each event's trace from its bus headers. */
    private readonly tracing = new EventTracing(),
  ) {
    this.insightPublisher = new InsightPublisher(bus);
    this.ledger = new FeedbackLedger(config.feedback ?? DEFAULT_FEEDBACK_POLICY);
    this.engine = new CorrelationEngine(correlators, this.ledger, {
      windowMs: parseDuration(config.window),
      maxEvents: config.maxEvents,
      mergeWindowMs: parseDuration(config.mergeWindow),
      ...(config.limits ? { limits: config.limits } : {}),
      ...(topology ? { topology } : {}),
    });
    const directories = [...(config.builtinPatterns ? [BUILTIN_PATTERN_DIR] : []), ...config.patterns.map((directory) => resolve(baseDir, directory))];
    const watch = config.patternWatch;
    this.source = new DirectoryPatternSource(directories, {
      logger,
      ...(config.builtinPatterns ? { bundle: readPatternBundle() } : {}),
      ...(watch ? { debounceMs: parseDuration(watch.debounce) } : {}),
      ...(watch?.pollInterval ? { pollIntervalMs: parseDuration(watch.pollInterval) } : {}),
    });
  }

  get patterns(): PatternSet {
    return this.patternSet;
  }

  /** Every open or recent incident's insight as stored, most likely first (folded ones included: `explainedBy`). */
  insights(): Insight[] {
    return this.engine.insights();
  }

  /**
   * `partition`: this worker's share of a partitioned stream, which the warm start replays.
   * Returns the stored resources the warm start began from (none when it is off).
   */
  async start(watch: boolean, partition?: { index: number; count: number }): Promise<ResourceNode[]> {
    this.apply(await this.source.load());
    await this.ledger.loadFrom(this.graph, this.engine.patternNames());
    await this.ledger.loadOutcomesFrom(this.graph, this.engine.patternNames());
    await this.publishPatternStats();
    let stored: ResourceNode[] = [];
    if (this.config.warmStart.enabled) {
      const warmed = await warmStart(this.engine, this.graph, { windowMs: parseDuration(this.config.window), maxEvents: this.config.warmStart.maxEvents, ...(partition ? { partition } : {}) }, this.logger);
      await this.writeInsights(warmed.output);
      this.lastEventWallMs = Date.now();
      stored = warmed.resources;
    } else {
      this.engine.rememberOccurrences(await storedOccurrences(this.graph, 10_000));
    }
    if (watch) this.stopWatching = await this.source.watch((set) => this.apply(set));
    // Held matches (patterns with holdFor) are released by later events; when the stream
    // goes quiet, engine time moves on with the wall clock so they are released anyway.
    this.holdTimer = setInterval(() => {
      if (this.engine.heldCount === 0) return;
      this.releaseHeld(this.engine.state.now + (Date.now() - this.lastEventWallMs)).catch((error: unknown) => this.logger.warn({ err: error }, 'could not write released insights'));
    }, 1_000);
    this.holdTimer.unref();
    if (this.durableAcks) {
      // In a distributed Tapio, feedback arrives through another process (-mode api) and
      // lands in the shared graph: pick it up periodically.
      this.feedbackTimer = setInterval(() => void this.refreshFeedback(), 30_000);
      this.feedbackTimer.unref();
    }
    return stored;
  }

  /** Reloads feedback counts from the graph and re-rates open incidents of patterns whose counts changed. */
  async refreshFeedback(): Promise<void> {
    try {
      const names = this.engine.patternNames();
      const before = new Map(names.map((name) => [name, this.ledger.stats(name).total]));
      await this.ledger.loadFrom(this.graph, names);
      for (const name of names) {
        if (this.ledger.stats(name).total === before.get(name)) continue;
        await this.writeInsights(this.engine.rerate(name));
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not reload feedback from the graph; keeping the previous counts');
    }
  }

  /** Re-reads every pattern file now (POST /api/v1/patterns/reload). */
  async reload(): Promise<PatternSet> {
    this.apply(await this.source.load());
    return this.patternSet;
  }

  /** Turns held matches whose hold ended by `nowMs` (event time) into insights, written and published; `Infinity` releases all. */
  async releaseHeld(nowMs: number): Promise<void> {
    await this.writeInsights(this.engine.releaseDue(nowMs));
  }

  async stop(): Promise<void> {
    if (this.feedbackTimer) clearInterval(this.feedbackTimer);
    if (this.holdTimer) clearInterval(this.holdTimer);
    await this.stopWatching?.();
    await this.publishPatternStats();
  }

  /** Events handled, and the partition keys they carried (which namespaces this worker owns). */
  stats(): { handled: number; partitionKeys: string[] } {
    return { handled: this.handled, partitionKeys: [...this.partitionKeys].sort() };
  }

  /** Correlates one event in a span continuing its trace (the headers it was delivered with), when tracing is on. */
  handle(event: UnifiedEvent, delivery?: BusDelivery): Promise<void> {
    if (!this.tracing.enabled) return this.process(event);
    const attributes = { 'tapio.event.id': event.id, 'tapio.event.type': event.type, 'messaging.system': 'tapio', 'messaging.destination.name': 'unified', 'messaging.message.id': delivery?.id ?? event.id };
    return this.tracing.span('tapio.correlate', 'consumer', delivery?.headers, attributes, () => this.process(event));
  }

  private async process(event: UnifiedEvent): Promise<void> {
    // Read-only: the event waits on the bus (and the bus's producers behind it) until it passes.
    if (this.degradation && !this.degradation.writable) await this.degradation.whenWritable();
    // The engine runs synchronously before the first await, so events are correlated in
    // delivery order even when several handlers wait for the graph at once.
    const output = this.engine.process(event);
    const seq = (this.engineCalls += 1);
    if (output.predictions.length && this.degradation?.skipPredictions) output.predictions = [];
    if (output.insights.length) this.tracing.annotate({ 'tapio.insight.ids': output.insights.map((insight) => insight.id) });
    this.handled += 1;
    this.lastEventWallMs = Date.now();
    const key = partitionKey(event);
    if (key !== null && this.partitionKeys.size < 10_000) this.partitionKeys.add(key);
    // One unit of work per event: its topology, itself, its correlations and the insights it changed.
    await this.graph.write({ topology: output.topology, events: [event], correlations: output.correlations, ...(output.insights.length || output.predictions.length ? { insights: output.insights, predictions: output.predictions } : {}) });
    await this.insightPublisher.publish(output.insights, seq, this.tracing.headers());
    if (this.durableAcks) await this.graph.flush();
  }

  /**
   * Writes insights and predictions the engine produced outside an event (held matches
   * released, incidents re-rated by feedback) and publishes the insights: consumers of the
   * insights topic (sinks, other processes) hear a new confidence as they hear a new symptom.
   */
  async writeInsights(output: Pick<EngineOutput, 'insights' | 'predictions'>): Promise<void> {
    const seq = (this.engineCalls += 1);
    // A prediction judged when its deadline passed comes without an insight.
    if (!output.insights.length && !output.predictions.length) return;
    await this.graph.write({ insights: output.insights, predictions: output.predictions });
    await this.insightPublisher.publish(output.insights, seq, this.tracing.headers());
  }

  async publishPatternStats(): Promise<void> {
    await this.graph.upsertPatterns(
      this.patternSet.patterns.map((pattern) => this.ledger.standing(pattern.metadata.name, pattern.spec.predictions[0]?.confidence_base ?? 0.5, this.engine.matches(pattern.metadata.name))),
    );
  }

  private apply(set: PatternSet): void {
    this.patternSet = set;
    const { patterns, unknown } = applyPatternOverrides(set.patterns, this.config.patternOverrides ?? {});
    this.engine.setPatterns(patterns);
    for (const name of unknown) this.logger.warn({ pattern: name }, 'correlation.patternOverrides names a pattern that is not loaded; ignored');
    for (const error of set.errors) this.logger.error({ file: error.file, line: error.line, reason: error.reason }, 'behavior pattern rejected');
    this.logger.info({ patterns: set.patterns.length, errors: set.errors.length }, 'behavior patterns loaded');
  }
}

import {
  Correlation,
  Feedback,
  Insight,
  parseDuration,
  PatternConfidence,
  Prediction,
  silentLogger,
  TopologyChange,
  UnifiedEvent,
  type CauseEffectCount,
  type ComponentHealth,
  type DeadLetterSink,
  type DeathSpiral,
  type EntityRef,
  type EventContext,
  type EventQuery,
  type GraphStats,
  type GraphStore,
  type GraphWrite,
  type ImpactAnswer,
  type InsightQuery,
  type Logger,
  type Page,
  type ResourceNode,
  type TimeRange,
  type TopologyEdge,
  type TopologySnapshot,
  type WhyAnswer,
} from '@tapio/domain';
import type { Driver, ManagedTransaction } from 'neo4j-driver';
import { createDriver } from './driver-factory.js';
import { describeTarget, Neo4jOptions, type Neo4jOptionsInput } from './options.js';
import { deathSpirals, eventContext, patternDiscovery, timeline, why } from './read/graph-questions.js';
import { impact } from './read/impact.js';
import * as lookups from './read/lookups.js';
import { eventsPage, insightsPage } from './read/pages.js';
import { pruneEvents } from './retention/event-retention.js';
import { schemaStatements } from './schema/graph-schema.js';
import { validateAll } from './validate-input.js';
import { BatchWriter } from './write/batch-writer.js';
import { WriteBuffer } from './write/write-buffer.js';
import type { WriteOp } from './write/write-op.js';

export interface Neo4jGraphStoreDependencies {
  logger?: Logger;
  /** Where writes Neo4j refuses for good end up (with the reason), instead of vanishing. */
  deadLetters?: DeadLetterSink;
}

/**
 * The GraphStore port on Neo4j 5 (seeds 000 §4 and 002 §5). Writes are accepted into a
 * bounded buffer and written in batches of `UNWIND … MERGE` statements, so a replayed or
 * redelivered write changes nothing; while Neo4j is slow or down, writers wait once the
 * buffer is full and the backlog is caught up when it comes back. Reads go straight to
 * Neo4j and see what has been flushed.
 */
export class Neo4jGraphStore implements GraphStore {
  readonly shared = true;
  readonly options: Neo4jOptions;
  private readonly target: string;
  private readonly logger: Logger;
  private readonly buffer: WriteBuffer;
  private driver: Driver | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private writer: BatchWriter | undefined;
  private phase: 'stopped' | 'starting' | 'running' = 'stopped';

  constructor(options: Neo4jOptionsInput, private readonly dependencies: Neo4jGraphStoreDependencies = {}) {
    const parsed = Neo4jOptions.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`Neo4j graph store options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    this.options = parsed.data;
    this.target = describeTarget(this.options);
    this.logger = (dependencies.logger ?? silentLogger).child({ component: 'neo4j-graph-store' });
    this.buffer = new WriteBuffer(this.options.bufferLimit);
  }

  /** Connects, creates constraints and indexes, and starts writing; fails with the target named when Neo4j cannot be reached. */
  async start(): Promise<void> {
    if (this.phase !== 'stopped') return;
    this.phase = 'starting';
    const driver = createDriver(this.options);
    try {
      await driver.verifyConnectivity({ database: this.options.database });
      const session = driver.session({ database: this.options.database });
      try {
        // In write transactions, so the driver retries transient failures: several Tapio
        // processes starting at once against one Neo4j deadlock on the schema locks.
        for (const statement of schemaStatements()) {
          try {
            await session.executeWrite((tx) => tx.run(statement));
          } catch (error) {
            // Another process created the same index or constraint at the same moment.
            if (!/AlreadyExists/.test((error as { code?: string }).code ?? '')) throw error;
          }
        }
        await session.run('CALL db.awaitIndexes(300)');
        // Insights stored before ABOUT edges existed get them from their entity_keys (a no-op afterwards).
        await session.executeWrite((tx) =>
          tx.run(
            `MATCH (i:Insight) WHERE i.entity_keys IS NOT NULL AND NOT (i)-[:ABOUT]->()
             UNWIND i.entity_keys AS key MATCH (r:Resource {key: key}) MERGE (i)-[:ABOUT]->(r)`,
          ),
        );
      } finally {
        await session.close();
      }
    } catch (error) {
      await driver.close();
      this.phase = 'stopped';
      throw new Error(`${this.target} cannot be used: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    this.driver = driver;
    this.writer = new BatchWriter(
      driver,
      this.buffer,
      { database: this.options.database, batchSize: this.options.batchSize, backoffMs: this.options.reconnectBackoffMs, target: this.target },
      this.logger,
      this.dependencies.deadLetters,
    );
    this.writer.start();
    this.startRetention();
    this.phase = 'running';
    this.logger.info({ target: this.target }, 'Neo4j graph store started');
  }

  /** Writes what is buffered (waiting up to `stopTimeoutMs`), then disconnects. */
  /**
   * Deletes the events retention no longer allows (see `retention` in the options); runs
   * every `retention.interval` by itself. Returns how many went; 0 without `maxAge`.
   */
  async pruneNow(): Promise<number> {
    const maxAge = this.options.retention.maxAge;
    if (!maxAge || !this.driver) return 0;
    const deleted = await pruneEvents(this.driver, { database: this.options.database, maxAgeMs: parseDuration(maxAge), chunk: this.options.retention.chunk });
    if (deleted > 0) this.logger.info({ target: this.target, deleted, maxAge }, 'events older than the retention window deleted');
    return deleted;
  }

  private startRetention(): void {
    if (!this.options.retention.maxAge) return;
    this.retentionTimer = setInterval(() => {
      this.pruneNow().catch((error: unknown) => this.logger.warn({ target: this.target, err: error }, 'event retention failed; retrying at the next interval'));
    }, parseDuration(this.options.retention.interval));
    this.retentionTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.phase !== 'running') return;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.retentionTimer = undefined;
    const left = (await this.writer?.stop(this.options.stopTimeoutMs)) ?? 0;
    if (left > 0) this.logger.error({ target: this.target, left }, `${left} accepted writes could not be written to ${this.target} before stop`);
    await this.driver?.close();
    this.driver = undefined;
    this.writer = undefined;
    this.phase = 'stopped';
  }

  health(): ComponentHealth {
    if (this.phase !== 'running') return { status: this.phase === 'starting' ? 'starting' : 'stopped' };
    const state = this.writer?.state;
    const details = {
      target: this.options.uri,
      database: this.options.database,
      buffered: this.buffer.size,
      bufferLimit: this.options.bufferLimit,
      written: this.buffer.committedCount - (state?.rejected ?? 0),
      rejected: state?.rejected ?? 0,
    };
    if (state?.failure) {
      return {
        status: state.failure.kind === 'blocked' ? 'down' : 'degraded',
        reason: `${state.failure.message}; ${this.buffer.size} writes buffered since ${new Date(state.failure.since).toISOString()}`,
        details,
      };
    }
    if (this.buffer.size >= this.options.bufferLimit) return { status: 'degraded', reason: `write buffer full (${this.buffer.size}); writers are waiting for ${this.target}`, details };
    return { status: 'ok', details };
  }

  /** Resolves when every write accepted before the call is committed in Neo4j. */
  async flush(): Promise<void> {
    this.requireRunning();
    await this.buffer.drained();
  }

  // ---- writes ------------------------------------------------------------

  /** Validates the whole unit first, then accepts its ops into the buffer together: one unit of work. */
  async write(unit: GraphWrite): Promise<void> {
    const { topology = [], events = [], correlations = [], insights = [], predictions = [] } = unit;
    validateAll(TopologyChange, topology, 'topology change', (change) => (change.op === 'upsert' ? change.node.key : change.key));
    validateAll(UnifiedEvent, events, 'event', (event) => event.id);
    validateAll(Correlation, correlations, 'correlation', (c) => `${c.kind} ${c.fromEventId} -> ${c.toEventId}`);
    validateAll(Prediction, predictions, 'prediction', (prediction) => prediction.id);
    validateAll(Insight, insights, 'insight', (insight) => insight.id);
    await this.accept([
      ...topology.map((change): WriteOp => ({ kind: 'topology', change })),
      ...events.map((event): WriteOp => ({ kind: 'event', event })),
      ...correlations.map((correlation): WriteOp => ({ kind: 'correlation', correlation })),
      ...predictions.map((prediction): WriteOp => ({ kind: 'prediction', prediction })),
      ...insights.map((insight): WriteOp => ({ kind: 'insight', insight })),
    ]);
  }

  async upsertPatterns(patterns: readonly PatternConfidence[]): Promise<void> {
    validateAll(PatternConfidence, patterns, 'pattern', (pattern) => pattern.patternId);
    await this.accept(patterns.map((pattern) => ({ kind: 'pattern', pattern })));
  }

  async writeFeedback(feedback: Feedback): Promise<void> {
    validateAll(Feedback, [feedback], 'feedback', (item) => item.id);
    await this.accept([{ kind: 'feedback', feedback }]);
  }

  // ---- reads -------------------------------------------------------------

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

  feedbackFor(patternId: string): Promise<Feedback[]> {
    return this.read((tx) => lookups.feedbackFor(tx, patternId));
  }

  patterns(): Promise<PatternConfidence[]> {
    return this.read((tx) => lookups.patterns(tx));
  }

  why(ref: EntityRef, range: TimeRange): Promise<WhyAnswer> {
    return this.read((tx) => why(tx, ref, range));
  }

  eventContext(eventId: string): Promise<EventContext | undefined> {
    return this.read((tx) => eventContext(tx, eventId));
  }

  impact(ref: EntityRef): Promise<ImpactAnswer> {
    return this.read((tx) => impact(tx, ref));
  }

  timeline(ref: EntityRef, range: TimeRange): Promise<UnifiedEvent[]> {
    return this.read((tx) => timeline(tx, ref, range));
  }

  deathSpirals(since: string, minRestarts: number): Promise<DeathSpiral[]> {
    return this.read((tx) => deathSpirals(tx, since, minRestarts));
  }

  patternDiscovery(minOccurrences: number): Promise<CauseEffectCount[]> {
    return this.read((tx) => patternDiscovery(tx, minOccurrences));
  }

  stats(): Promise<GraphStats> {
    return this.read((tx) => lookups.stats(tx));
  }

  // ---- internals ---------------------------------------------------------

  private async accept(ops: WriteOp[]): Promise<void> {
    this.requireRunning();
    await this.buffer.add(ops);
  }

  private requireRunning(): void {
    if (this.phase !== 'running') throw new Error(`Neo4jGraphStore for ${this.target} is not started`);
  }

  private async read<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    this.requireRunning();
    const session = (this.driver as Driver).session({ database: this.options.database, defaultAccessMode: 'READ' });
    try {
      return await session.executeRead(work);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('invalid cursor')) throw error;
      throw new Error(`${this.target} read failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      await session.close();
    }
  }
}

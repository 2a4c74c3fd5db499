import {
  GraphStoreOfParts,
  type CircuitBreaker,
  parseDuration,
  silentLogger,
  type ComponentHealth,
  type DeadLetterSink,
  type Logger,
  type Metrics,
} from '@tapio/domain';
import type { Driver } from 'neo4j-driver';
import { createDriver } from './driver-factory.js';
import { describeTarget, Neo4jOptions, type Neo4jOptionsInput } from './options.js';
import { pruneDeletedResources } from './retention/deleted-resources.js';
import { pruneEvents } from './retention/event-retention.js';
import { prepareSchema } from './schema/prepare-schema.js';
import { Neo4jGraphQuestions } from './store/neo4j-graph-questions.js';
import { Neo4jGraphReader } from './store/neo4j-graph-reader.js';
import { Neo4jGraphWriter } from './store/neo4j-graph-writer.js';
import { readRunner } from './store/read-runner.js';
import { neo4jCircuit } from './resilience/neo4j-circuit.js';
import { BatchWriter } from './write/batch-writer.js';
import { WriteBuffer } from './write/write-buffer.js';

export interface Neo4jGraphStoreDependencies {
  logger?: Logger;
  /** Where writes Neo4j refuses for good end up (with the reason), instead of vanishing. */
  deadLetters?: DeadLetterSink;
  /** Where the circuit breakers' states go (tapio_circuit_state{circuit="neo4j-write"|"neo4j-read"}). */
  metrics?: Metrics;
}

/**
 * The GraphStore port on Neo4j 5 (seeds 000 §4 and 002 §5). Writes are accepted into a
 * bounded buffer and written in batches of `UNWIND … MERGE` statements, so a replayed or
 * redelivered write changes nothing; while Neo4j is slow or down, writers wait once the
 * buffer is full and the backlog is caught up when it comes back. Reads go straight to
 * Neo4j and see what has been flushed. This class connects, starts, stops and reports
 * health; the writer, reader and questions (one per port, as in the memory store) do the work.
 */
export class Neo4jGraphStore extends GraphStoreOfParts {
  readonly shared = true;
  readonly options: Neo4jOptions;
  readonly writer: Neo4jGraphWriter;
  readonly reader: Neo4jGraphReader;
  readonly questions: Neo4jGraphQuestions;
  private readonly target: string;
  private readonly logger: Logger;
  private readonly buffer: WriteBuffer;
  private readonly writeCircuit: CircuitBreaker;
  private readonly readCircuit: CircuitBreaker;
  private driver: Driver | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private deletedTimer: NodeJS.Timeout | undefined;
  private batchWriter: BatchWriter | undefined;
  private phase: 'stopped' | 'starting' | 'running' = 'stopped';

  constructor(options: Neo4jOptionsInput, private readonly dependencies: Neo4jGraphStoreDependencies = {}) {
    super();
    const parsed = Neo4jOptions.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`Neo4j graph store options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    this.options = parsed.data;
    this.target = describeTarget(this.options);
    this.logger = (dependencies.logger ?? silentLogger).child({ component: 'neo4j-graph-store' });
    this.buffer = new WriteBuffer(this.options.bufferLimit);
    const { failures, halfOpenAfterMs, writeTimeoutMs, readTimeoutMs } = this.options.circuit;
    this.writeCircuit = neo4jCircuit('neo4j-write', { failures, halfOpenAfterMs, timeoutMs: writeTimeoutMs }, this.target, dependencies.metrics);
    this.readCircuit = neo4jCircuit('neo4j-read', { failures, halfOpenAfterMs, timeoutMs: readTimeoutMs }, this.target, dependencies.metrics);
    const requireRunning = () => this.requireRunning();
    const read = readRunner(
      () => {
        requireRunning();
        return this.driver as Driver;
      },
      this.options.database,
      this.target,
      this.readCircuit,
    );
    this.writer = new Neo4jGraphWriter(this.buffer, requireRunning);
    this.reader = new Neo4jGraphReader(read);
    this.questions = new Neo4jGraphQuestions(read);
  }

  /** Connects, creates constraints and indexes, and starts writing; fails with the target named when Neo4j cannot be reached. */
  async start(): Promise<void> {
    if (this.phase !== 'stopped') return;
    this.phase = 'starting';
    const driver = createDriver(this.options);
    try {
      await driver.verifyConnectivity({ database: this.options.database });
      await prepareSchema(driver, this.options.database);
    } catch (error) {
      await driver.close();
      this.phase = 'stopped';
      throw new Error(`${this.target} cannot be used: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    this.driver = driver;
    this.batchWriter = new BatchWriter(
      driver,
      this.buffer,
      { database: this.options.database, batchSize: this.options.batchSize, backoffMs: this.options.reconnectBackoffMs, target: this.target },
      this.logger,
      this.dependencies.deadLetters,
      this.writeCircuit,
    );
    this.batchWriter.start();
    this.startRetention();
    this.phase = 'running';
    this.logger.info({ target: this.target }, 'Neo4j graph store started');
  }

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

  /**
   * Removes the nodes of deleted objects beyond `retention.maxDeletedResources`, those
   * deleted longest ago first; runs every `retention.deletedInterval` by itself. Returns how many went.
   */
  async pruneDeletedNow(): Promise<number> {
    if (!this.driver) return 0;
    const { maxDeletedResources, chunk } = this.options.retention;
    const removed = await pruneDeletedResources(this.driver, { database: this.options.database, maxDeleted: maxDeletedResources, chunk });
    if (removed > 0) this.logger.info({ target: this.target, removed, maxDeletedResources }, 'nodes of objects deleted longest ago removed (over retention.maxDeletedResources)');
    return removed;
  }

  private startRetention(): void {
    this.deletedTimer = setInterval(() => {
      this.pruneDeletedNow().catch((error: unknown) => this.logger.warn({ target: this.target, err: error }, 'bounding deleted resources failed; retrying at the next interval'));
    }, parseDuration(this.options.retention.deletedInterval));
    this.deletedTimer.unref();
    if (!this.options.retention.maxAge) return;
    this.retentionTimer = setInterval(() => {
      this.pruneNow().catch((error: unknown) => this.logger.warn({ target: this.target, err: error }, 'event retention failed; retrying at the next interval'));
    }, parseDuration(this.options.retention.interval));
    this.retentionTimer.unref();
  }

  /** Writes what is buffered (waiting up to `stopTimeoutMs`), then disconnects. */
  async stop(): Promise<void> {
    if (this.phase !== 'running') return;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    if (this.deletedTimer) clearInterval(this.deletedTimer);
    this.retentionTimer = undefined;
    this.deletedTimer = undefined;
    const left = (await this.batchWriter?.stop(this.options.stopTimeoutMs)) ?? 0;
    if (left > 0) this.logger.error({ target: this.target, left }, `${left} accepted writes could not be written to ${this.target} before stop`);
    await this.driver?.close();
    this.driver = undefined;
    this.batchWriter = undefined;
    this.phase = 'stopped';
  }

  health(): ComponentHealth {
    if (this.phase !== 'running') return { status: this.phase === 'starting' ? 'starting' : 'stopped' };
    const state = this.batchWriter?.state;
    const details = {
      target: this.options.uri,
      database: this.options.database,
      buffered: this.buffer.size,
      bufferLimit: this.options.bufferLimit,
      written: this.buffer.committedCount - (state?.rejected ?? 0),
      rejected: state?.rejected ?? 0,
      ...this.writeCircuit.report.flatDetails('writeCircuit'),
      ...this.readCircuit.report.flatDetails('readCircuit'),
    };
    if (state?.failure) {
      return {
        status: state.failure.kind === 'blocked' ? 'down' : 'degraded',
        reason: `${state.failure.message}; ${this.buffer.size} writes buffered since ${new Date(state.failure.since).toISOString()}`,
        details,
      };
    }
    if (this.readCircuit.state !== 'closed') {
      const read = this.readCircuit.report.details();
      return { status: 'degraded', reason: `reads from ${this.target} fail at once: circuit ${read.state} since ${read.since} (${read.lastFailure ?? 'repeated failures'}); writes are ${state?.failure ? 'buffered' : 'flowing'}`, details };
    }
    if (this.buffer.size >= this.options.bufferLimit) return { status: 'degraded', reason: `write buffer full (${this.buffer.size}); writers are waiting for ${this.target}`, details };
    return { status: 'ok', details };
  }

  private requireRunning(): void {
    if (this.phase !== 'running') throw new Error(`Neo4jGraphStore for ${this.target} is not started`);
  }
}

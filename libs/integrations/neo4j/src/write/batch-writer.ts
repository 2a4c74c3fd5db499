import type { CircuitBreaker, DeadLetterSink, Logger } from '@tapio/domain';
import type { Driver } from 'neo4j-driver';
import type { Transaction } from 'neo4j-driver';
import { transactionStatements } from './batch-statements.js';
import { classifyFailure, isConstraintViolation, messageOf, type FailureKind } from './error-kinds.js';
import type { Statement } from './statement.js';
import type { WriteBuffer } from './write-buffer.js';
import { describeOp, payloadOf, type WriteOp } from './write-op.js';

/**
 * How many batches are written carefully (stored event ids looked up) after one failed on a
 * stored id: a redelivery or replay comes as a run of batches, and each batch that fails is
 * written twice.
 */
const CAREFUL_BATCHES = 16;

interface PreparedBatch {
  ops: readonly WriteOp[];
  statements: Statement[];
  /** Whether stored event ids are looked up (see `eventStatement`). */
  careful: boolean;
  /** Set when building the statements failed (a value that cannot be stored). */
  error?: unknown;
}

export interface BatchWriterOptions {
  database: string;
  batchSize: number;
  backoffMs: { min: number; max: number };
  /** "Neo4j at bolt://... (database "neo4j")", for messages. */
  target: string;
}

export interface WriterState {
  /** Set while the last attempt failed; what and why. */
  failure: { kind: FailureKind; message: string; since: number } | undefined;
  batches: number;
  rejected: number;
}

/**
 * Drains the write buffer into Neo4j, one batch per transaction, oldest first. A batch
 * leaves the buffer only when its transaction committed; while Neo4j is unreachable the
 * batch is retried with a growing pause, so writes pile up in the (bounded) buffer and are
 * caught up once Neo4j is back. Data Neo4j refuses is isolated op by op and dead-lettered.
 */
export class BatchWriter {
  readonly state: WriterState = { failure: undefined, batches: 0, rejected: 0 };
  private running: Promise<void> | undefined;
  private stopping = false;
  private wakeSleep: (() => void) | undefined;
  /** Batches still to be written carefully since the last one that failed on a stored event id. */
  private carefulBatches = 0;

  constructor(
    private readonly driver: Driver,
    private readonly buffer: WriteBuffer,
    private readonly options: BatchWriterOptions,
    private readonly logger: Logger,
    private readonly deadLetters: DeadLetterSink | undefined,
    private readonly circuit: CircuitBreaker,
  ) {}

  start(): void {
    this.stopping = false;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Stops after the buffer drained or `timeoutMs` passed; returns how many writes were left. */
  async stop(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.buffer.drained(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.stopping = true;
    this.buffer.wake();
    this.wakeSleep?.();
    await this.running;
    return this.buffer.size;
  }

  private async loop(): Promise<void> {
    let backoff = this.options.backoffMs.min;
    let current: PreparedBatch | undefined;
    while (!this.stopping) {
      await this.buffer.whenData();
      if (this.stopping) break;
      // A batch prepared during the previous transaction is used unless more has arrived since.
      if (!current || (current.ops.length < this.options.batchSize && this.buffer.size > current.ops.length)) {
        current = this.prepare(this.buffer.peek(this.options.batchSize));
      }
      if (!current.ops.length) {
        current = undefined;
        continue;
      }
      const batch = current;
      let next: PreparedBatch | undefined;
      try {
        await this.write(batch, () => {
          // Runs while Neo4j works on this batch: the next one is ready when it commits.
          next = this.prepare(this.buffer.peekFrom(batch.ops.length, this.options.batchSize));
        });
        this.buffer.commit(batch.ops.length);
        if (batch.careful && this.carefulBatches > 0) this.carefulBatches -= 1;
        current = next;
        this.state.batches += 1;
        if (this.state.failure) this.logger.info({ target: this.options.target, buffered: this.buffer.size }, 'Neo4j writes resumed');
        this.state.failure = undefined;
        backoff = this.options.backoffMs.min;
      } catch (error) {
        current = undefined;
        const kind = classifyFailure(error);
        if (kind === 'reject' && !batch.careful && isConstraintViolation(error)) {
          // An event id stored before (a redelivery, a replay, another writer): the same batch again, carefully.
          this.carefulBatches = CAREFUL_BATCHES;
          current = this.prepare(batch.ops, true);
          continue;
        }
        if (kind === 'reject') {
          this.buffer.commit(await this.isolate(batch.ops));
          continue;
        }
        const message = `${this.options.target} ${kind === 'blocked' ? 'refuses writes' : 'unreachable'}: ${messageOf(error)}`;
        if (!this.state.failure) this.logger.warn({ buffered: this.buffer.size, error: messageOf(error) }, message);
        this.state.failure = { kind, message, since: this.state.failure?.since ?? Date.now() };
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.backoffMs.max);
      }
    }
  }

  /** The statements for ops; a value that cannot be converted shows up as the batch's write error. */
  private prepare(ops: readonly WriteOp[], careful = this.carefulBatches > 0): PreparedBatch {
    try {
      return { ops, careful, statements: transactionStatements(ops, careful) };
    } catch (error) {
      return { ops, careful, statements: [], error };
    }
  }

  /**
   * One explicit transaction per batch, without the driver's own retry loop: this loop
   * retries itself, so an outage shows in `state` (and health) at the first failure
   * instead of after the driver's retry time. All statements are sent at once (Bolt
   * pipelines them in order); `meanwhile` runs while Neo4j executes them. It runs through
   * the write circuit breaker: a transaction that hangs is given up after the breaker's
   * timeout and rolled back, never committed late (its batch is written again by then).
   */
  private write(batch: PreparedBatch, meanwhile: () => void = () => undefined): Promise<void> {
    if (batch.error !== undefined) return Promise.reject(batch.error);
    return this.circuit.run((signal) => this.transaction(batch, meanwhile, signal));
  }

  private async transaction(batch: PreparedBatch, meanwhile: () => void, signal: AbortSignal): Promise<void> {
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: 'WRITE' });
    try {
      const tx = await session.beginTransaction();
      try {
        await runAll(tx, batch.statements, meanwhile);
        if (signal.aborted) throw new Error('transaction given up (timed out); rolled back');
        await tx.commit();
      } catch (error) {
        if (tx.isOpen()) await tx.rollback().catch(() => undefined);
        throw error;
      }
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  /**
   * Writes ops one by one so that one bad value does not hold back the rest. Returns how
   * many leading ops are done (written or dead-lettered); fewer than all only on stop.
   */
  private async isolate(ops: readonly WriteOp[]): Promise<number> {
    let done = 0;
    for (const op of ops) {
      for (;;) {
        try {
          // Carefully: an event stored before is no data error.
          await this.write(this.prepare([op], true));
          break;
        } catch (error) {
          const kind = classifyFailure(error);
          if (kind !== 'reject') {
            // Neo4j went away meanwhile: wait and retry this op; nothing accepted is dropped.
            await this.sleep(this.options.backoffMs.max);
            if (this.stopping) return done;
            continue;
          }
          this.reject(op, error);
          break;
        }
      }
      done += 1;
    }
    return done;
  }

  private reject(op: WriteOp, error: unknown): void {
    this.state.rejected += 1;
    const reason = `${this.options.target} refused ${describeOp(op)}: ${messageOf(error)}`;
    this.logger.error({ op: describeOp(op) }, reason);
    this.deadLetters?.put({ stage: 'store', reason, source: 'neo4j', at: new Date().toISOString(), payload: payloadOf(op) });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wakeSleep = undefined;
        resolve();
      }
      this.wakeSleep = done;
    });
  }
}

/**
 * Sends the statements in order, pipelined (Bolt runs them one after another) up to one with
 * a follow-up: its rows are awaited and the follow-up statements sent before the rest.
 * `meanwhile` runs once, at the first wait, while Neo4j works on what was sent. Every result
 * is awaited (a failed statement fails the ones after it too), then the first error is raised.
 */
async function runAll(tx: Transaction, statements: readonly Statement[], meanwhile: () => void): Promise<void> {
  const outcomes: Promise<unknown>[] = [];
  let waited = false;
  const wait = () => {
    if (!waited) meanwhile();
    waited = true;
  };
  const queue = [...statements];
  try {
    for (let statement = queue.shift(); statement; statement = queue.shift()) {
      const result = tx.run(statement.text, statement.params);
      if (!statement.followUp) {
        // Only the summary: the statements without a follow-up return nothing to read.
        outcomes.push(result.summary());
        continue;
      }
      // The records, not `summary()`: that would discard them.
      const records = Promise.resolve(result).then((done) => done.records);
      outcomes.push(records);
      wait();
      const rows = (await records).map((record) => ({ id: record.get('id') as string, key: record.get('key') as string }));
      queue.unshift(...statement.followUp(rows));
    }
    wait();
  } finally {
    const settled = await Promise.allSettled(outcomes);
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

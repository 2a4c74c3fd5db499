import type { ComponentHealth, EventBus, GraphStore, Logger, RawEvent, WriteAheadLog } from '@tapio/domain';
import { rawEventId } from '@tapio/pipeline';

/**
 * The write-ahead log's part in a single-process Tapio: what was accepted before a crash
 * goes through the stages again at start, every RawEvent a collector hands over is
 * written before the hand-over returns, and every `checkpointIntervalMs` (and at stop)
 * the bus is drained, the graph saved and the log emptied.
 */
export class WalDurability {
  private timer: NodeJS.Timeout | undefined;
  private checkpointing: Promise<void> | undefined;
  /** RawEvents recovered at start (accepted before the last stop or crash, not yet at rest). */
  recovered = 0;
  lastError: string | undefined;
  /** Until the RawEvents kept before the last stop are processed again, Tapio is not ready. */
  private recovering = true;

  constructor(
    readonly wal: WriteAheadLog,
    private readonly bus: EventBus,
    private readonly graph: GraphStore,
    private readonly logger: Logger,
  ) {}

  /** Reads the log and the checkpoint (the transformers' state with it); before the transformer state is restored. */
  async open(): Promise<RawEvent[]> {
    return this.wal.recover();
  }

  /** Processes the recovered RawEvents through the subscribed stages and waits until they are at rest. */
  async replay(raws: readonly RawEvent[]): Promise<void> {
    for (const raw of raws) await this.bus.publish('raw', raw, rawEventId(raw));
    await this.bus.drain();
    this.recovered = raws.length;
    this.recovering = false;
    if (raws.length) this.logger.info({ rawEvents: raws.length }, 'write-ahead log: RawEvents accepted before the last stop processed again');
    this.timer = setInterval(() => void this.checkpoint().catch(() => undefined), this.wal.checkpointIntervalMs);
    this.timer.unref();
  }

  /**
   * A collector's hand-over: written to the log, then published. A checkpoint waits for
   * every hand-over under way and holds new ones, so none is in the log but not yet on the
   * bus when the log is emptied.
   */
  readonly admit = async (raw: RawEvent, publish: () => Promise<void>): Promise<void> => {
    while (this.gate) await this.gate;
    this.admitting += 1;
    try {
      await this.wal.append(raw);
      await publish();
    } finally {
      this.admitting -= 1;
      if (this.admitting === 0) for (const waiter of this.idle.splice(0)) waiter();
    }
  };

  private gate: Promise<void> | undefined;
  private admitting = 0;
  private readonly idle: Array<() => void> = [];

  checkpoint(): Promise<void> {
    this.checkpointing ??= this.held(() =>
      this.wal.checkpoint(async () => {
        await this.bus.drain();
        if (!(await this.graph.saveSnapshot?.())) throw new Error('the graph has no snapshot file (graph.memory.snapshotFile)');
      }),
    )
      .then(
        () => {
          this.lastError = undefined;
        },
        (error: Error) => {
          this.lastError = error.message;
          this.logger.error({ err: error }, 'write-ahead log checkpoint failed; the log is kept and grows until one succeeds');
          throw error;
        },
      )
      .finally(() => {
        this.checkpointing = undefined;
      });
    return this.checkpointing;
  }

  /** Runs `work` with new hand-overs held and none under way. */
  private async held(work: () => Promise<void>): Promise<void> {
    let release!: () => void;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    try {
      if (this.admitting > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
      await work();
    } finally {
      this.gate = undefined;
      release();
    }
  }

  health(): ComponentHealth {
    if (this.recovering) return { status: 'starting', reason: 'processing again the RawEvents the write-ahead log kept before the last stop' };
    if (this.lastError) return { status: 'degraded', reason: `write-ahead log checkpoint failed: ${this.lastError}` };
    return { status: 'ok', details: { recovered: this.recovered } };
  }

  /** After the stages stopped and the graph saved itself: the log is emptied and closed. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checkpointing?.catch(() => undefined);
    await this.held(() => this.wal.checkpoint(async () => undefined));
    await this.wal.close();
  }
}

import type { ComponentHealth } from '../ports/health.js';

export interface PollingLoopOptions {
  /** Pause between the end of one poll and the start of the next. */
  intervalMs: number;
  /** One look at the component; what it finds it emits itself. */
  poll: () => Promise<void>;
  /** A poll that threw (a bug, not an unreachable component, which a poll reports in health): the loop goes on. */
  onError: (error: unknown) => void;
}

/**
 * The lifecycle every polling collector repeats (kubelet, etcd, the CNI spool): `start` runs
 * the first poll and resolves after it, so health already says whether the component answered;
 * then one poll `intervalMs` after the previous one finished, never two at once, so a slow
 * component makes polls rarer instead of piling them up; `stop` starts no new poll and waits for
 * the one in flight, so nothing a poll took is dropped half-emitted. `pollNow` runs one more poll
 * in the same queue (a file watcher's nudge). Timers are unref'd: a loop keeps no process alive.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private active = false;

  constructor(private readonly options: PollingLoopOptions) {}

  get running(): boolean {
    return this.active;
  }

  /** False when it was already running (a second start does nothing). */
  async start(): Promise<boolean> {
    if (this.active) return false;
    this.active = true;
    await this.tick();
    return true;
  }

  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.queue;
  }

  /** One poll after those queued; none once stopped. */
  pollNow(): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (!this.active) return;
      try {
        await this.options.poll();
      } catch (error) {
        this.options.onError(error);
      }
    });
    return this.queue;
  }

  /**
   * `stopped` before start and after stop; `degraded` with the reason while the last poll
   * found the component failing (`failure`); `ok` otherwise.
   */
  health(failure: string | undefined, details: NonNullable<ComponentHealth['details']>): ComponentHealth {
    if (!this.active) return { status: 'stopped' };
    return failure === undefined ? { status: 'ok', details } : { status: 'degraded', reason: failure, details };
  }

  private async tick(): Promise<void> {
    await this.pollNow();
    if (!this.active) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }
}

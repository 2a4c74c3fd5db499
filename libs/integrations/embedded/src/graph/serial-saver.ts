/**
 * Runs one save at a time. A save asked for while one runs waits for it and then runs
 * once for all who asked meanwhile (its state is newer than the running one's), so
 * interval saves that take longer than their interval neither overlap nor pile up.
 * Overlapping saves used to share one temporary file: the second rename failed with
 * ENOENT, as an unhandled rejection, and the snapshot on disk held only its header.
 */
export class SerialSaver {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** Why the last save failed; cleared by the next one that succeeds. */
  lastError: string | undefined;

  constructor(private readonly write: () => Promise<void>) {}

  save(): Promise<void> {
    if (!this.running) return this.start();
    this.queued ??= this.running.then(
      () => this.afterRunning(),
      () => this.afterRunning(),
    );
    return this.queued;
  }

  private afterRunning(): Promise<void> {
    this.queued = undefined;
    return this.start();
  }

  private start(): Promise<void> {
    const run = this.write().then(
      () => {
        this.lastError = undefined;
      },
      (error: unknown) => {
        this.lastError = (error as Error).message;
        throw error;
      },
    );
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }
}

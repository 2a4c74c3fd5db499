import { Worker } from 'node:worker_threads';
import type { DeadLetter, Logger, UnifiedEvent } from '@tapio/domain';
import type { FromWorker, PipelineCounts, ToWorker, TransformWorkerPlan } from './protocol.js';

/** Set by tools/build-cli-bundle.mjs (esbuild `define`) in the bundled command only. */
declare const __TAPIO_BUNDLE__: boolean | undefined;

/**
 * The worker's entry: in the bundled command the launcher of its own bundle entry
 * (dist/cli-bundle/worker-launch.js, which runs dist/bundle/transform-worker.cjs from V8's
 * code cache); from the modules, worker-entry.js beside this file.
 * (In the bundle, `import.meta.url` is this file's original URL: tools/build-cli-bundle.mjs.)
 */
export function transformWorkerEntry(): URL {
  const bundled = typeof __TAPIO_BUNDLE__ !== 'undefined' && __TAPIO_BUNDLE__;
  return bundled ? new URL('../../cli-bundle/worker-launch.js', import.meta.url) : new URL('./worker-entry.js', import.meta.url);
}

/** Where the worker's output goes on the main thread. */
export interface TransformWorkerTarget {
  /** Publishes one batch (on the unified topic), in order; resolves when the bus took it all. */
  publish(events: readonly UnifiedEvent[]): Promise<void>;
  deadLetter(letter: DeadLetter): void;
  logger: Logger;
}

/**
 * The main thread's side of the transformer worker: takes its batches in the order posted,
 * publishes each after `ready` (the stages subscribed) and only then gives the worker its
 * credit back, so at most `plan.maxBatchesInFlight` batches wait here. `done` resolves with
 * the pipeline's counts once every event is published; it rejects with the reason if the
 * worker fails, dies or stops before the end of its input, or if publishing fails (the
 * worker is stopped then): never a silent loss, never a hang.
 */
export class TransformWorker {
  private readonly worker: Worker;
  private chain: Promise<void> = Promise.resolve();
  private settled = false;
  /** The worker said it reached the end (its exit may come before its last batches are published). */
  private ended = false;
  private resolveDone!: (stats: PipelineCounts) => void;
  private rejectDone!: (error: Error) => void;
  readonly done: Promise<PipelineCounts>;
  /** Input lines the worker has read (for a progress display). */
  lines = 0;

  /** `prestarted`: a worker the launcher started before the plan was known (prestart.ts); it is given the plan as its first message. */
  constructor(plan: TransformWorkerPlan, target: TransformWorkerTarget, ready: Promise<void>, entry: URL = transformWorkerEntry(), prestarted?: Worker) {
    this.done = new Promise<PipelineCounts>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Nobody may be awaiting yet (the main thread is still composing): a failure is kept for `done`.
    this.done.catch(() => undefined);
    this.worker = prestarted ?? new Worker(entry, { workerData: plan, stdout: false, stderr: false });
    if (prestarted) this.worker.postMessage({ kind: 'plan', plan } satisfies ToWorker);
    this.worker.on('message', (message: FromWorker) => this.take(message, target, ready));
    this.worker.on('error', (error: Error) => this.fail(new Error(`the transformer worker failed: ${error.stack ?? error.message}`)));
    this.worker.on('exit', (code) => {
      if (!this.ended) this.fail(new Error(`the transformer worker exited (code ${code}) before the end of its input`));
    });
  }

  private take(message: FromWorker, target: TransformWorkerTarget, ready: Promise<void>): void {
    switch (message.kind) {
      case 'log':
        target.logger.child(message.bindings)[message.level](message.fields, message.message);
        return;
      case 'failed':
        this.fail(new Error(`the transformer worker failed: ${message.stack ?? message.message}`));
        return;
      case 'done':
        this.ended = true;
        break;
      default:
        break;
    }
    // Events, dead letters and the end, in the order the worker posted them.
    this.chain = this.chain.then(async () => {
      if (this.settled) return;
      await ready;
      if (message.kind === 'events') {
        this.lines = message.lines;
        await target.publish(message.events);
        if (!this.settled) this.worker.postMessage({ kind: 'published' } satisfies ToWorker);
      } else if (message.kind === 'dead-letter') {
        target.deadLetter(message.letter);
      } else if (message.kind === 'done') {
        this.lines = message.lines;
        this.settled = true;
        this.resolveDone(message.stats);
      }
    });
    this.chain = this.chain.catch((error: Error) => this.fail(new Error(`publishing the transformer worker's events failed: ${error.message}`)));
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.ended = true;
    this.rejectDone(error);
    void this.worker.terminate();
  }

  /** Stops the worker (an analysis ended early); `done` rejects if it had not finished. */
  async stop(): Promise<void> {
    if (!this.settled) this.fail(new Error('the transformer worker was stopped before the end of its input'));
    await this.worker.terminate();
  }
}

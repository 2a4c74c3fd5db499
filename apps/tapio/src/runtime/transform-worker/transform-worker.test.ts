import type { DeadLetter, UnifiedEvent } from '@tapio/domain';
import { silentLogger } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import type { TransformWorkerPlan } from './protocol.js';
import { prestartTransformWorker, takePrestartedWorker } from '../../cli-bundle/prestart.js';
import { TransformWorker } from './transform-worker.js';

const FIXTURE = new URL('./fixture-worker.mjs', import.meta.url);

function plan(behaviour: string, extra: Record<string, unknown> = {}): TransformWorkerPlan {
  return { behaviour, maxBatchesInFlight: 2, ...extra } as unknown as TransformWorkerPlan;
}

function target(publishDelayMs = 0) {
  const published: string[] = [];
  const letters: DeadLetter[] = [];
  const logs: unknown[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const logger = { ...silentLogger, warn: (fields: unknown, message?: string) => void logs.push({ fields, message }), child: () => logger };
  return {
    published,
    letters,
    logs,
    maxInFlight: () => maxInFlight,
    target: {
      logger,
      deadLetter: (letter: DeadLetter) => void letters.push(letter),
      publish: async (events: readonly UnifiedEvent[]) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, publishDelayMs));
        published.push(...events.map((event) => event.id));
        inFlight -= 1;
      },
    },
  };
}

describe('TransformWorker: the main thread side of the transformer worker', () => {
  it('publishes the batches in order after the stages are ready, then resolves with the counts', async () => {
    const sink = target(5);
    let ready!: () => void;
    const worker = new TransformWorker(plan('ok', { batches: 6 }), sink.target, new Promise<void>((resolve) => (ready = resolve)), FIXTURE);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.published).toEqual([]); // nothing before the stages subscribed
    ready();
    const stats = await worker.done;
    expect(stats.accepted).toBe(12);
    expect(sink.published).toEqual(Array.from({ length: 12 }, (_, index) => `evt-${index + 1}`));
    expect(sink.maxInFlight()).toBe(1); // one batch published at a time, in order
    expect(sink.letters.map((letter) => letter.origin)).toEqual(['f.ndjson:1']);
    expect(sink.logs).toEqual([{ fields: { origin: 'f.ndjson:1' }, message: 'replay line rejected' }]);
    expect(worker.lines).toBe(13);
  });

  it('a failure the worker reports rejects with its reason', async () => {
    const worker = new TransformWorker(plan('fail'), target().target, Promise.resolve(), FIXTURE);
    await expect(worker.done).rejects.toThrow(/transformer worker failed: the recording could not be read: EIO/);
  });

  it('an uncaught error in the worker rejects with the error', async () => {
    const worker = new TransformWorker(plan('throw'), target().target, Promise.resolve(), FIXTURE);
    await expect(worker.done).rejects.toThrow(/transformer worker failed: Error: transform blew up/);
  });

  it('a worker that exits before the end of its input is an error with its exit code, not a hang', async () => {
    const worker = new TransformWorker(plan('exit'), target().target, Promise.resolve(), FIXTURE);
    await expect(worker.done).rejects.toThrow(/exited \(code 3\) before the end of its input/);
    const quiet = new TransformWorker(plan('no-done'), target().target, Promise.resolve(), FIXTURE);
    await expect(quiet.done).rejects.toThrow(/exited \(code 0\) before the end of its input/);
  });

  it('a worker started before its plan (the launcher prestarts it) is given the plan first and runs as one started with it', async () => {
    prestartTransformWorker(FIXTURE);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the worker is up and waiting
    const prestarted = takePrestartedWorker();
    expect(prestarted).toBeDefined();
    expect(takePrestartedWorker()).toBeUndefined(); // taken once
    const sink = target();
    const worker = new TransformWorker(plan('ok', { batches: 4 }), sink.target, Promise.resolve(), FIXTURE, prestarted);
    const stats = await worker.done;
    expect(stats.accepted).toBe(8);
    expect(sink.published).toEqual(Array.from({ length: 8 }, (_, index) => `evt-${index + 1}`));
    expect(sink.letters.map((letter) => letter.origin)).toEqual(['f.ndjson:1']);
  });

  it('a prestarted worker that failed before it was taken is not handed over (the command starts its own)', async () => {
    prestartTransformWorker(new URL('data:text/javascript,process.exit(5)'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(takePrestartedWorker()).toBeUndefined();
  });

  it('a publish that fails stops the worker and rejects', async () => {
    const sink = target();
    sink.target.publish = () => Promise.reject(new Error('event bus is closed'));
    const worker = new TransformWorker(plan('ok'), sink.target, Promise.resolve(), FIXTURE);
    await expect(worker.done).rejects.toThrow(/publishing the transformer worker's events failed: event bus is closed/);
  });
});

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { DeadLetterSink, Logger, RecentIds, type Collector, type RawEvent, type RawEventTransformer, type UnifiedEvent } from '@tapio/domain';
import { Pipeline, rawForBus } from '@tapio/pipeline';
import { ReplayConfig, replayCollectorPlugin } from '@tapio/collector-replay/plugin';
import { COLLECTOR_PLUGINS } from '../../plugins/collector-plugins.js';
import { BatchHandOff } from './batch-hand-off.js';
import { ForwardedDeadLetters, forwardedLogger } from './forwarded-ports.js';
import { awaitsPlan } from '../../cli-bundle/prestart.js';
import type { FromWorker, ToWorker, TransformWorkerPlan } from './protocol.js';

/**
 * The transformer stage of `tapio analyze` on a worker thread: the replay collector reads
 * the recording, each RawEvent is redacted, given its id, de-duplicated as the raw topic
 * would and transformed by the pipeline (the same code, in the same order, as the
 * in-thread stages), and the UnifiedEvents go to the main thread in batches, where the
 * bus, the correlation engine and the graph take them. Dead letters and log records go
 * to the main thread's sink and logger.
 */
function portToMain(): MessagePort {
  if (!parentPort) throw new Error('the transformer worker runs on a worker thread (runtime/transform-worker/transform-worker.ts starts it)');
  return parentPort;
}
const port = portToMain();
const post = (message: FromWorker) => port.postMessage(message);

/** The plan the worker was started with, or (started before it was known: prestart.ts) the first message. */
function planOf(data: unknown): Promise<TransformWorkerPlan> {
  if (!awaitsPlan(data)) return Promise.resolve(data as TransformWorkerPlan);
  return new Promise((resolve) => {
    const take = (message: ToWorker) => {
      if (message.kind !== 'plan') return;
      port.off('message', take);
      resolve(message.plan);
    };
    port.on('message', take);
  });
}

async function transformers(plan: TransformWorkerPlan): Promise<RawEventTransformer[]> {
  const all: RawEventTransformer[] = [];
  for (const descriptor of COLLECTOR_PLUGINS) if (descriptor.transformers) all.push(...(await descriptor.transformers(plan.transformerSettings)));
  return all;
}

async function replayCollector(plan: TransformWorkerPlan, logger: Logger, deadLetters: ForwardedDeadLetters): Promise<Collector> {
  const config = ReplayConfig.parse(plan.replay);
  const contribution = await replayCollectorPlugin.register({ deps: { deadLetters: deadLetters as DeadLetterSink, logger: logger as Logger }, config, logger: logger.child({ plugin: 'replay' }), baseDir: plan.baseDir });
  const collector = contribution.collectors?.[0];
  if (!collector) throw new Error('the replay plugin gave no collector');
  return collector;
}

async function run(): Promise<void> {
  const plan = await planOf(workerData);
  const logger = forwardedLogger(post, plan.logLevel);
  const deadLetters = new ForwardedDeadLetters(post);
  const all = await transformers(plan);
  // Every built-in transformer is trusted (registerPlugins lists them so): the worker runs built-ins only.
  const pipeline = new Pipeline({ transformers: all, trusted: all, deadLetters, limits: plan.limits, cluster: plan.cluster, logger: logger.child({ component: 'pipeline' }) });
  const collector = await replayCollector(plan, logger, deadLetters);
  const lines = () => Number(collector.health().details?.['lines'] ?? 0);
  const handOff = new BatchHandOff<UnifiedEvent>((events) => post({ kind: 'events', events, lines: lines() }), plan.batchEvents, plan.maxBatchesInFlight);
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'published') handOff.published();
  });
  const recent = new RecentIds(plan.dedupe.ids, plan.dedupe.windowMs);
  const sink = {
    emit(raw: RawEvent): Promise<void> {
      // As startCollectors takes it onto the raw topic, then what the bus drops.
      const { event, id } = rawForBus(raw);
      if (!recent.add(id)) return Promise.resolve();
      const result = pipeline.transform(event, undefined, id);
      return (result.ok ? handOff.add(result.events) : undefined) ?? Promise.resolve();
    },
  };
  try {
    await collector.start(sink);
    logger.info({ collector: collector.id }, 'collector started');
  } catch (error) {
    // As startCollectors reports it: the analysis goes on with nothing from this collector.
    const message = `collector "${collector.id}" failed to start: ${(error as Error).message}`;
    logger.error({ collector: collector.id, err: error }, message);
  }
  await collector.completion?.();
  await handOff.finish();
  post({ kind: 'done', stats: pipeline.stats(), lines: lines() });
  port.close();
}

run().catch((error: unknown) => {
  post({ kind: 'failed', message: (error as Error)?.message ?? String(error), ...((error as Error)?.stack ? { stack: (error as Error).stack } : {}) });
  port.close();
});

import { resolve } from 'node:path';
import { formatEntity, storyWithAges, type EntityRef, type Insight, type Prediction } from '@tapio/domain';
import { compose, type Composition } from '../compose.js';
import { createLogger } from '../logging.js';
import { TapioRuntime } from '../runtime/tapio-runtime.js';
import { TransformWorker } from '../runtime/transform-worker/transform-worker.js';
import { takePrestartedWorker } from '../cli-bundle/prestart.js';
import { analyzeWorkerPlan, publishUnified } from './analyze-worker.js';
import { UsageError, type ParsedArgs } from './args.js';
import { countLines, ProgressBar } from './progress-bar.js';
import { loadConfigFromArgs } from './config-from-args.js';

function entityOut(ref: EntityRef): { kind: string; namespace: string | null; name: string } {
  return { kind: ref.kind, namespace: ref.namespace ?? null, name: ref.name };
}

/** A prediction with a deadline as `analyze --json` shows it: what it said, when, by when, and what happened. */
function predictionOut(prediction: Prediction) {
  return {
    id: prediction.id,
    pattern: prediction.patternId,
    message: prediction.message,
    confidence: Math.round(prediction.confidence * 1000) / 1000,
    issuedAt: prediction.createdAt,
    deadline: prediction.deadline ?? null,
    result: prediction.result ? { status: prediction.result.status, at: prediction.result.at, eventId: prediction.result.eventId ?? null, ...(prediction.result.reason ? { reason: prediction.result.reason } : {}) } : null,
    ...(prediction.tally ? { tally: prediction.tally } : {}),
    ...(prediction.revisions ? { revisions: prediction.revisions } : {}),
  };
}

/**
 * The insight document of shared/scenarios/README.md, plus Tapio's own fields; `predictions`
 * (those with a deadline issued for the incident, and what later events made of them) when it has any.
 */
export function insightDocument(insight: Insight, predictions: readonly Prediction[] = []) {
  return {
    id: insight.id,
    rootCause: { ...entityOut(insight.rootCause.entity), what: insight.rootCause.what },
    severity: insight.severity,
    pattern: insight.pattern ?? null,
    confidence: Math.round(insight.confidence * 1000) / 1000,
    predictionId: insight.predictionId ?? null,
    symptoms: insight.symptoms.map(entityOut),
    affected: insight.affected.map(entityOut),
    chain: insight.chain.map((link) => `${link.timestamp} ${link.type} ${formatEntity(link.entity)}: ${link.summary}`),
    firstSeen: insight.firstSeen,
    lastSeen: insight.lastSeen,
    nextChecks: insight.nextChecks,
    story: insight.story,
    // The incidents folded under this root (one incident per cause), when there are any.
    ...(insight.alsoExplains?.length
      ? { alsoExplains: insight.alsoExplains.map((fold) => ({ id: fold.insightId, rootCause: entityOut(fold.rootCause), pattern: fold.pattern ?? null, severity: fold.severity, reason: fold.reason })) }
      : {}),
    ...(predictions.length ? { predictions: predictions.map(predictionOut) } : {}),
  };
}

function withoutSnapshot(settings: unknown): Record<string, unknown> {
  const { snapshotFile: _file, snapshotInterval: _interval, ...rest } = (settings ?? {}) as Record<string, unknown>;
  return rest;
}

/**
 * `tapio analyze FILE [--json]`: the offline post-mortem. Replays a recording through
 * the full pipeline on the embedded bus (the graph only when a plugin reads it), then
 * prints the stories the engine composed (or the JSON insight document). Exit status 0
 * whenever the analysis ran, whatever it found.
 */
export async function analyzeCommand(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0];
  if (!file) throw new UsageError('analyze needs a recording: tapio analyze FILE [--json]');
  const json = args.flags.has('json');
  const base = await loadConfigFromArgs(args);
  const loaded = {
    ...base,
    config: {
      ...base.config,
      mode: 'all' as const,
      log: { ...base.config.log, level: args.flags.has('verbose') ? ('info' as const) : ('warn' as const) },
      bus: { ...base.config.bus, type: 'embedded' },
      // The answer comes from the engine, so nothing is stored (compose's `graph: 'unread'`) unless a
      // plugin needs the graph: then the memory graph, with its retention as configured and without
      // its snapshot file (an analysis starts empty and saves nothing).
      graph: { type: 'memory', memory: withoutSnapshot(base.config.graph['memory']) },
      collectors: { replay: { file: file === '-' ? '-' : resolve(file), speed: 0 } },
    },
  };
  const logger = createLogger(loaded.config.log.level, loaded.config.log.format);
  // A large recording is parsed and transformed on a worker thread, beside correlation; it
  // starts first, so its start-up overlaps the composition below (its batches wait for the stages).
  const plan = analyzeWorkerPlan(loaded, file);
  let stagesReady!: () => void;
  const ready = new Promise<void>((resolve) => (stagesReady = resolve));
  let composition: Composition | undefined;
  // The launcher may have started the worker already (prestart.ts); one this analysis does not use is stopped.
  const prestarted = takePrestartedWorker();
  if (!plan) void prestarted?.terminate();
  const worker = plan
    ? new TransformWorker(plan, { publish: (events) => publishUnified((composition as Composition).bus)(events), deadLetter: (letter) => composition?.deadLetters.put(letter), logger }, ready, undefined, prestarted)
    : undefined;
  let runtime: TapioRuntime;
  let stats: ReturnType<TapioRuntime['pipelineStats']>;
  try {
    // With the worker, the replay runs there: the main thread composes no collector.
    const here = worker ? { ...loaded, config: { ...loaded.config, collectors: {} } } : loaded;
    composition = await compose(here, logger, undefined, undefined, { metrics: 'none', graph: 'unread' });
    runtime = new TapioRuntime(composition, 'all', { cluster: loaded.config.cluster, busType: 'embedded', correlation: loaded.config.correlation, baseDir: loaded.baseDir, watchPatterns: false });
    const replay = composition.collectors.find((collector) => collector.id === 'replay');
    const showProgress = process.stderr.isTTY === true && file !== '-';
    const bar = showProgress ? new ProgressBar(process.stderr, await countLines(file), 'analyzing') : undefined;
    const linesRead = () => worker?.lines ?? Number(replay?.health().details?.['lines'] ?? 0);
    const timer = bar ? setInterval(() => bar.update(linesRead()), 100) : undefined;
    await runtime.start();
    stagesReady();
    try {
      if (worker) {
        stats = await worker.done;
        await composition.bus.drain();
      } else {
        await runtime.finiteCollectorsDone();
        stats = runtime.pipelineStats();
      }
    } finally {
      if (timer) clearInterval(timer);
      bar?.finish();
    }
  } catch (error) {
    await worker?.stop();
    throw error;
  }
  // The recording ended: trouble still held (waiting to see whether it clears) is reported.
  await runtime.correlation?.releaseHeld(Number.POSITIVE_INFINITY);
  // One incident per cause: the folding the engine stored, folded incidents shown under their root.
  const insights = (runtime.correlation?.insights() ?? []).filter((insight) => !insight.explainedBy);
  // Each incident's predictions with a deadline, and what later events made of them.
  const predictions = new Map(insights.map((insight) => [insight.id, runtime.correlation?.engine.predictionsOf(insight.id) ?? []]));
  await runtime.stop();

  if (json) {
    process.stdout.write(`${JSON.stringify({ insights: insights.map((insight) => insightDocument(insight, predictions.get(insight.id))), events: stats.produced, rejected: composition.deadLetters.count() }, null, 2)}\n`);
    return 0;
  }
  if (insights.length === 0) {
    process.stdout.write(`No incident found: ${stats.accepted} recorded events, ${stats.produced} normalised events, nothing matched a behavior pattern.\n`);
  }
  // Ages are told against the recording's end (its newest event), not this machine's clock.
  const end = runtime.correlation?.engine.state.now ?? Date.now();
  insights.forEach((insight, index) => {
    process.stdout.write(`#${index + 1} [${insight.severity}] ${insight.pattern ?? 'insight'}: root cause ${formatEntity(insight.rootCause.entity)} (confidence ${Math.round(insight.confidence * 100)}%, prediction ${insight.predictionId ?? '-'})\n${storyWithAges(insight.story, end)}\n\n`);
  });
  const rejected = composition.deadLetters.count();
  if (rejected) process.stderr.write(`tapio: ${rejected} input line(s) were rejected; see the dead-letter log\n`);
  return 0;
}

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { silentLogger, type Prediction } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, parseConfig, TapioRuntime } from '../src/index.js';
import { benignRecording } from './corpus/corpus-variants.js';
import type { CorpusCase } from './corpus/corpus-case.js';
import { corpusCases, PREDICTION_KINDS } from './corpus/kinds/predictions.js';
import { analyzeRecording } from './support/analyze-recording.js';
import { configCascadeCourse } from './support/config-cascade-course.js';
import { memoryCourse } from './support/memory-trend-incidents.js';
import { normalise, type RecordedLine } from './support/recording-variants.js';

/**
 * What the prediction corpus cases (corpus/kinds/predictions.ts) show beyond their root
 * cause: the prediction issued from the kubelet trend, what happened to it, and how the
 * incident tells it, in the engine, in `tapio analyze --json`, and through a running
 * Tapio's API and metrics.
 */
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const of = (kind: string) => corpusCases.filter((item) => item.kind === kind);
const text = (lines: readonly RecordedLine[]) => `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;

function analyzed(item: CorpusCase) {
  const { lines } = item.make();
  const analysis = analyzeRecording(normalise(lines));
  return { lines, ...analysis, all: analysis.engine.insights() };
}

describe('the prediction lifecycle in the corpus', () => {
  it.each(of(PREDICTION_KINDS.cameTrue).map((item) => [item.name, item] as const))('predicted, then the OOM kill came (%s): the insight links the prediction to its outcome', (_name, item) => {
    const { engine, insights, lines } = analyzed(item);
    const [first] = insights;
    expect(first?.pattern).toBe('memory-leak-oom');
    expect(first?.severity).toBe('high');
    const predictions = engine.predictionsOf(first?.id ?? '');
    expect(predictions.map((prediction) => [prediction.patternId, prediction.result?.status])).toEqual([['memory-limit-approaching', 'came_true']]);
    const predicted = predictions[0] as Prediction;
    // Issued when the first trend was reported, before the kill, which came by the deadline.
    const firstTrend = lines.find((line) => line.type === 'memory_trend');
    expect(predicted.createdAt).toBe(firstTrend?.timestamp);
    expect(Date.parse(predicted.result?.at ?? '')).toBeGreaterThan(Date.parse(predicted.createdAt));
    expect(Date.parse(predicted.result?.at ?? '')).toBeLessThanOrEqual(Date.parse(predicted.deadline ?? ''));
    expect(predicted.message).toMatch(/^Container \S+ of Pod \S+ will be OOMKilled in about [\d.]+ minutes at the current growth$/);
    expect(first?.story).toContain(`  ├─ Predicted at ${predicted.createdAt} (memory-limit-approaching): ${predicted.message}; came true at ${predicted.result?.at}\n`);
    expect(predicted.result?.eventId && first?.eventIds).toBeDefined();
  });

  it.each(of(PREDICTION_KINDS.closed).map((item) => [item.name, item] as const))('predicted, then the growth levelled off (%s): the prediction is withdrawn (or closed at its deadline), nothing medium or above', (_name, item) => {
    const { engine, all } = analyzed(item);
    expect(all.map((insight) => [insight.pattern, insight.severity])).toEqual([['memory-limit-approaching', 'low']]);
    const predictions = engine.predictionsOf(all[0]?.id ?? '');
    expect(predictions.map((prediction) => prediction.result?.status)).toEqual(['did_not_happen']);
    // Withdrawn before its deadline when the working set levelled off well below the limit
    // (under 80%) for 8 kubelet samples; one that levelled off closer to it is closed at the deadline.
    const result = predictions[0]?.result;
    if (result?.reason) {
      expect(Date.parse(result.at)).toBeLessThan(Date.parse(predictions[0]?.deadline ?? ''));
      expect(result.reason).toMatch(/^withdrawn: the working set fell back or levelled off at \d+% of the limit over 8 kubelet samples$/);
      expect(all[0]?.story).toContain(`; ${result.reason} (${result.at}): prediction closed`);
    } else {
      expect(result?.at).toBe(predictions[0]?.deadline);
      expect(all[0]?.story).toContain(`; did not happen by ${predictions[0]?.deadline}: prediction closed`);
    }
    expect(engine.predictionStats()).toMatchObject({ open: 0, cameTrue: 0, didNotHappen: 1, partlyTrue: 0, dropped: 0 });
  });

  it.each(of(PREDICTION_KINDS.flat).map((item) => [item.name, item] as const))('a noisy but flat working set (%s) makes no prediction', (_name, item) => {
    const { engine, all, lines, produced } = analyzed(item);
    expect(lines.filter((line) => line.source === 'kubelet_api').length).toBeGreaterThan(150);
    expect(produced).toBeGreaterThan(150);
    expect(lines.filter((line) => line.type === 'memory_trend')).toEqual([]);
    expect(all).toEqual([]);
    expect(engine.predictionStats()).toEqual({ open: 0, cameTrue: 0, didNotHappen: 0, partlyTrue: 0, dropped: 0 });
  });
});

describe('the config-cascade prediction lifecycle in the corpus', () => {
  /** The incident's config-cascade prediction (one, never duplicated) and the incident. */
  function cascadeOf(item: CorpusCase) {
    const { engine, insights } = analyzed(item);
    const [first] = insights;
    expect(first?.pattern).toBe('config-cascade');
    expect(first?.severity).toBe('high');
    const predictions = engine.predictionsOf(first?.id ?? '').filter((prediction) => prediction.patternId === 'config-cascade');
    expect(predictions).toHaveLength(1);
    const predicted = predictions[0] as Prediction;
    expect(predicted.message).toMatch(/^2 more of the 3 pods that use ConfigMap \S+ will fail the same way on their next restart \(1 already fail\)$/);
    return { engine, first, predicted };
  }

  it.each(of(PREDICTION_KINDS.cascadeCameTrue).map((item) => [item.name, item] as const))('predicted, then each pending pod failed (%s): came true with the last failure, 2 of 2', (_name, item) => {
    const { first, predicted } = cascadeOf(item);
    expect(predicted.result).toMatchObject({ status: 'came_true', eventId: expect.any(String) });
    expect(predicted.tally).toEqual({ expected: 2, failed: 2, healthy: 0, gone: 0 });
    expect(Date.parse(predicted.result?.at ?? '')).toBeLessThanOrEqual(Date.parse(predicted.deadline ?? ''));
    expect(first?.story).toContain(`; came true at ${predicted.result?.at}: 2 of 2 failed the same way\n`);
  });

  it.each(of(PREDICTION_KINDS.cascadePartly).map((item) => [item.name, item] as const))('predicted, then one failed and one reloaded healthy (%s): partly right, with the counts', (_name, item) => {
    const { first, predicted } = cascadeOf(item);
    expect(predicted.result?.status).toBe('partly_true');
    expect(predicted.tally).toEqual({ expected: 2, failed: 1, healthy: 1, gone: 0 });
    expect(first?.story).toContain(`; partly right by ${predicted.result?.at}: 1 of 2 failed the same way, 1 restarted healthy: prediction closed`);
  });

  it.each(of(PREDICTION_KINDS.cascadeReverted).map((item) => [item.name, item] as const))('predicted, then the ConfigMap was edited back (%s): withdrawn with the reason', (_name, item) => {
    const { first, predicted } = cascadeOf(item);
    expect(predicted.result).toMatchObject({ status: 'did_not_happen', reason: expect.stringMatching(/^withdrawn: ConfigMap \S+ was changed back at \S+ \(0 of 2 had failed\)$/) });
    expect(Date.parse(predicted.result?.at ?? '')).toBeLessThan(Date.parse(predicted.deadline ?? ''));
    expect(first?.story).toContain(`; ${predicted.result?.reason} (${predicted.result?.at}): prediction closed`);
  });

  it('analyze --json tells the counts and the result, byte-identical twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-cascade-'));
    try {
      const file = join(dir, 'cascade.ndjson');
      await writeFile(file, text(normalise(configCascadeCourse(benignRecording(), 'shop', 'frontend-config', 'some-recover').lines)));
      const run = () => promisify(execFile)(process.execPath, [MAIN, 'analyze', file, '--json'], { maxBuffer: 64 * 1024 * 1024 });
      const [one, two] = await Promise.all([run(), run()]);
      expect(two.stdout).toBe(one.stdout);
      const answer = JSON.parse(one.stdout) as { insights: Array<{ pattern: string; predictions?: Array<{ pattern: string; result: { status: string } | null; tally?: unknown }> }> };
      expect(answer.insights[0]?.predictions).toEqual([expect.objectContaining({ pattern: 'config-cascade', result: expect.objectContaining({ status: 'partly_true' }), tally: { expected: 2, failed: 1, healthy: 1, gone: 0 } })]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('tapio analyze --json and a running Tapio show the prediction and its outcome', () => {
  let dir: string;
  let runtime: TapioRuntime | undefined;
  const killed = () => memoryCourse(benignRecording(), 'shop', 'checkout', { outcome: 'oom-killed', startShare: 0.5, growthMiBPerMinute: 24, jitterMiB: 3, intervalS: 15, minutes: 10 }, 'checkout');
  // A second workload leaking more slowly: its prediction is due later, so with one prediction tracked the checkout one is dropped.
  const slower = () => memoryCourse(benignRecording(), 'payments', 'payments-api', { outcome: 'oom-killed', startShare: 0.5, growthMiBPerMinute: 9, jitterMiB: 3, intervalS: 10, minutes: 10 }, 'payments');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-predictions-'));
  });
  afterAll(async () => {
    await runtime?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('analyze --json lists the incident’s prediction with when it was issued, its deadline and that it came true; twice byte-identical', async () => {
    const file = join(dir, 'memory-killed.ndjson');
    await writeFile(file, text(killed().lines));
    const run = () => promisify(execFile)(process.execPath, [MAIN, 'analyze', file, '--json'], { maxBuffer: 64 * 1024 * 1024 });
    const [one, two] = await Promise.all([run(), run()]);
    expect(two.stdout).toBe(one.stdout);
    const answer = JSON.parse(one.stdout) as { insights: Array<{ pattern: string; story: string; predictions?: Array<{ pattern: string; issuedAt: string; deadline: string; result: { status: string; at: string; eventId: string | null } | null }> }> };
    const [first] = answer.insights;
    expect(first?.pattern).toBe('memory-leak-oom');
    expect(first?.predictions).toEqual([expect.objectContaining({ pattern: 'memory-limit-approaching', result: expect.objectContaining({ status: 'came_true' }) })]);
    const predicted = first?.predictions?.[0];
    expect(Date.parse(predicted?.result?.at ?? '')).toBeLessThanOrEqual(Date.parse(predicted?.deadline ?? ''));
    expect(first?.story).toContain(`Predicted at ${predicted?.issuedAt} (memory-limit-approaching)`);
  }, 120_000);

  it('with correlation.limits.maxTrackedPredictions: 1, the prediction due first is dropped unjudged: /metrics counts it, the API shows the other came true', async () => {
    const first = killed().lines;
    const start = first[0]?.timestamp;
    const merged = normalise([...first, ...slower().lines.filter((line) => line.timestamp !== start)]);
    const file = join(dir, 'two-leaks.ndjson');
    await writeFile(file, text(merged));
    const loaded = parseConfig(['cluster: demo', 'api:', '  port: 0', 'correlation:', '  limits:', '    maxTrackedPredictions: 1', 'collectors:', '  replay:', `    file: ${file}`, ''].join('\n'), join(dir, 'tapio.yaml'), {});
    expect(loaded.config.correlation.limits.maxTrackedPredictions).toBe(1);
    runtime = new TapioRuntime(await compose(loaded, silentLogger), 'all', { cluster: loaded.config.cluster, busType: 'embedded', correlation: loaded.config.correlation, baseDir: loaded.baseDir, watchPatterns: false, api: loaded.config.api });
    await runtime.start();
    await runtime.finiteCollectorsDone();
    await runtime.correlation?.releaseHeld(Number.POSITIVE_INFINITY);
    const server = runtime.apiUrl as string;
    const metrics = await (await fetch(`${server}/metrics`)).text();
    expect(metrics).toMatch(/^tapio_predictions_dropped_total 1$/m);
    expect(metrics).toMatch(/^tapio_predictions_judged_total\{result="came_true"\} 1$/m);
    expect(metrics).toMatch(/^tapio_predictions_judged_total\{result="did_not_happen"\} 0$/m);
    expect(metrics).toMatch(/^tapio_predictions_open 0$/m);
    const insights = runtime.correlation?.insights() ?? [];
    const payments = insights.find((insight) => insight.rootCause.entity.namespace === 'payments');
    const checkout = insights.find((insight) => insight.rootCause.entity.namespace === 'shop');
    expect(payments?.story).toContain('came true at');
    // The dropped prediction was never judged, so the checkout incident tells no outcome.
    expect(checkout?.pattern).toBe('memory-leak-oom');
    expect(checkout?.story).not.toContain('Predicted at');
    const [judged] = runtime.correlation?.engine.predictionsOf(payments?.id ?? '') ?? [];
    const answer = (await (await fetch(`${server}/api/v1/predictions/${judged?.id}`)).json()) as { prediction: Prediction };
    expect(answer.prediction).toMatchObject({ id: judged?.id, patternId: 'memory-limit-approaching', result: { status: 'came_true' } });
  }, 120_000);
});

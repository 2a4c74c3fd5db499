import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { partitionKey, partitionOf, silentLogger, type UnifiedEvent } from '@tapio/domain';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { builtinCorrelators } from '@tapio/correlation';
import { DeadLetterStore, InProcessBus, MemoryGraphStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';
import { ProcessingStage, StagePatternAdmin } from '@tapio/runtime';
import { parseConfig } from '../src/config/load-config.js';

const RECORDING = fileURLToPath(new URL('../../../examples/recordings/configmap-cascade.ndjson', import.meta.url));
const CONFIG = { patterns: [], builtinPatterns: true, window: '2h', maxEvents: 1_000_000, mergeWindow: '1h', warmStart: { enabled: true, maxEvents: 200_000 } };
const FAILURES = new Set(['crash_loop', 'pod_restart', 'pod_failed', 'oom_killed']);

/** The configmap-cascade recording as UnifiedEvents, split where the first pod fails. */
async function cascadeBeforeAndAfterTheFirstFailure(): Promise<{ before: UnifiedEvent[]; after: UnifiedEvent[] }> {
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore() });
  const events: UnifiedEvent[] = [];
  for (const line of (await readFile(RECORDING, 'utf8')).split('\n')) {
    const result = line.trim() ? pipeline.processLine(line) : undefined;
    if (result?.ok) events.push(...result.events);
  }
  const first = events.findIndex((event) => FAILURES.has(event.type));
  return { before: events.slice(0, first), after: events.slice(first) };
}

/** A pattern that holds a Service without endpoints for `holdFor` before it becomes an insight. */
async function writeOutagePattern(dir: string, name: string, holdFor: string, ...extra: string[]): Promise<void> {
  const lines = [
    'apiVersion: behavior.tapio.io/v1',
    'kind: BehaviorPattern',
    `metadata: { name: ${name} }`,
    'spec:',
    '  severity: critical',
    '  conditions: [{ field: type, operator: equals, value: service_unavailable }]',
    `  holdFor: ${holdFor}`,
    ...extra,
    '  predictions: [{ type: outage, confidence_base: 0.9, message: down }]',
    '',
  ];
  await writeFile(join(dir, `${name}.yaml`), lines.join('\n'));
}

/** A Tapio that ran until just before the crashes, then restarted with the same graph. */
async function restartedBeforeTheCrashes(warmStart: boolean) {
  const { before, after } = await cascadeBeforeAndAfterTheFirstFailure();
  const graph = new MemoryGraphStore();
  await graph.start();
  const first = new ProcessingStage(graph, new InProcessBus(), builtinCorrelators(), CONFIG, '.', silentLogger);
  await first.start(false);
  for (const event of before) await first.handle(event);
  await first.stop();
  const second = new ProcessingStage(graph, new InProcessBus(), builtinCorrelators(), { ...CONFIG, warmStart: { enabled: warmStart, maxEvents: 200_000 } }, '.', silentLogger);
  await second.start(false);
  for (const event of after) await second.handle(event);
  return { graph, stage: second };
}

async function stageWithIncident(durable: boolean, bus = new InProcessBus()) {
  const graph = new MemoryGraphStore();
  await graph.start();
  const stage = new ProcessingStage(graph, bus, builtinCorrelators(), CONFIG, '.', silentLogger, durable);
  await stage.start(false);
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore() });
  for (const line of (await readFile(RECORDING, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    const result = pipeline.processLine(line);
    if (result.ok) for (const event of result.events) await stage.handle(event);
  }
  return { graph, stage };
}

describe('ProcessingStage', () => {
  it('writes every event, the topology and the insight into the graph, and counts partition keys', async () => {
    const { graph, stage } = await stageWithIncident(false);
    const stats = await graph.stats();
    expect(stats.events).toBe(stage.stats().handled);
    expect(stats.insights).toBe(1);
    expect(stage.stats().partitionKeys).toContain('prod-west/shop');
    await stage.stop();
  });

  it('picks up feedback another process wrote to the shared graph, re-rates the open incident and publishes the new version', async () => {
    const bus = new InProcessBus();
    const { graph, stage } = await stageWithIncident(true, bus);
    const [insight] = stage.insights();
    expect(insight?.pattern).toBe('config-cascade');
    const before = insight!.confidence;
    const published: Array<{ id: string; confidence: number }> = [];
    await bus.subscribe('insights', 'test', async (item) => void published.push(item as { id: string; confidence: number }));
    await graph.writeFeedback({ id: 'fb-1', predictionId: insight!.predictionId!, patternId: 'config-cascade', accurate: false, rating: -1, comment: 'wrong', timestamp: '2026-03-02T11:00:00Z' });
    await stage.refreshFeedback();
    await bus.drain();
    const after = stage.insights()[0]!.confidence;
    // One inaccurate verdict out of one: the base, worth 2.5 verdicts, falls to 2.5 / 3.5 of
    // itself (both confidences in whole percent: within a percent of that).
    expect(Math.abs(after - (before * 2.5) / 3.5)).toBeLessThan(0.01);
    expect(after).toBeLessThan(before - 0.2);
    expect((await graph.insight(insight!.id))?.confidence).toBe(after);
    // Sinks and other processes hear the new confidence as they hear a new symptom.
    expect(published).toEqual([expect.objectContaining({ id: insight!.id, confidence: after })]);
    await stage.stop();
  });

  it('feedback through the API of the correlating process re-rates, stores and publishes the incident at once', async () => {
    const bus = new InProcessBus();
    const { graph, stage } = await stageWithIncident(false, bus);
    const [insight] = stage.insights();
    const published: Array<{ id: string; confidence: number }> = [];
    await bus.subscribe('insights', 'test', async (item) => void published.push(item as { id: string; confidence: number }));
    const standing = await new StagePatternAdmin(stage, graph).recordFeedback({ id: 'fb-2', predictionId: insight!.predictionId!, patternId: 'config-cascade', accurate: true, rating: 1, comment: 'right', timestamp: '2026-03-02T11:00:00Z' });
    await bus.drain();
    const after = stage.insights()[0]!.confidence;
    expect(standing?.patternId).toBe('config-cascade');
    expect(after).toBeGreaterThan(insight!.confidence);
    expect((await graph.insight(insight!.id))?.confidence).toBe(after);
    expect(published).toEqual([expect.objectContaining({ id: insight!.id, confidence: after })]);
    await stage.stop();
  });

  it('keeps previous occurrences in the graph across a restart, never counting an incident against itself', async () => {
    const { graph, stage } = await stageWithIncident(false);
    const [insight] = stage.insights();
    expect(insight?.story).toContain('Previous occurrence: none on record');
    await stage.stop();
    // Restarted on the same graph: the warm start reopens the same incident (same id), which is not its own previous occurrence.
    const restarted = new ProcessingStage(graph, new InProcessBus(), builtinCorrelators(), CONFIG, '.', silentLogger);
    await restarted.start(false);
    expect(restarted.insights().find((item) => item.id === insight!.id)?.story).toContain('Previous occurrence: none on record');
    await restarted.stop();
    // An earlier incident of the same pattern on the same root, stored in the graph, is one (snapshot included: the store keeps insights).
    await graph.write({ insights: [{ ...insight!, id: 'ins-three-days-earlier', firstSeen: '2026-02-27T10:03:12Z', lastSeen: '2026-02-27T10:30:00Z', createdAt: '2026-02-27T10:03:12Z' }] });
    for (const warm of [true, false]) {
      const later = new ProcessingStage(graph, new InProcessBus(), builtinCorrelators(), { ...CONFIG, warmStart: { enabled: warm, maxEvents: 200_000 } }, '.', silentLogger);
      await later.start(false);
      const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore() });
      for (const line of (await readFile(RECORDING, 'utf8')).split('\n')) {
        const result = line.trim() ? pipeline.processLine(line) : undefined;
        if (result?.ok) for (const event of result.events) await later.handle(event);
      }
      const again = later.insights().find((item) => item.id === insight!.id);
      expect(again?.story, `warm start ${warm}`).toContain('Previous occurrence: same pattern at 2026-02-27T10:03:12Z (1 before)');
      expect(again?.previousOccurrences).toEqual(['2026-02-27T10:03:12Z']);
      await later.stop();
    }
  });

  it('releases a held match once the stream has been quiet for its hold, and writes and publishes the insight', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-hold-'));
    await writeOutagePattern(dir, 'quick-outage', '1s', '  clearedBy: [{ field: type, operator: equals, value: service_restored }]');
    const graph = new MemoryGraphStore();
    await graph.start();
    const bus = new InProcessBus();
    const published: string[] = [];
    await bus.subscribe('insights', 'test', async (insight) => void published.push((insight as { pattern?: string }).pattern ?? ''));
    const stage = new ProcessingStage(graph, bus, [], { ...CONFIG, builtinPatterns: false, patterns: [dir] }, '.', silentLogger);
    await stage.start(false);
    const service = { cluster: 'c', kind: 'Service', namespace: 'shop', name: 'api' };
    const now = new Date().toISOString();
    await stage.handle({ id: 'down-1', type: 'service_unavailable', timestamp: now, source: 'kubeapi', severity: 'high', message: 'no endpoints', semantic: { intent: 'service-unavailable', category: 'availability', narrative: 'no endpoints' }, entity: service, processedAt: now });
    expect(stage.engine.heldCount).toBe(1);
    expect((await graph.stats()).insights).toBe(0);
    // Nothing else arrives: engine time moves on with the wall clock and the hold ends.
    const deadline = Date.now() + 10_000;
    while ((await graph.stats()).insights === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
    await bus.drain();
    expect((await graph.stats()).insights).toBe(1);
    expect(published).toEqual(['quick-outage']);
    await stage.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('after a restart, rebuilds its working state from the graph: crashes after it are blamed on the ConfigMap edited before it', async () => {
    const { stage } = await restartedBeforeTheCrashes(true);
    const insight = stage.insights().find((candidate) => candidate.pattern === 'config-cascade');
    expect(insight?.rootCause.entity).toMatchObject({ kind: 'ConfigMap', name: 'checkout-config' });
    await stage.stop();
  });

  it('without the warm start, the restarted engine cannot see the edit (what the warm start is for)', async () => {
    const { stage } = await restartedBeforeTheCrashes(false);
    expect(stage.insights().some((candidate) => candidate.rootCause.entity.kind === 'ConfigMap')).toBe(false);
    await stage.stop();
  });

  it("takes the engine's limits from tapio.yaml: beyond correlation.limits.maxHeld the oldest held match is reported at once", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-limits-'));
    await writeOutagePattern(dir, 'slow-outage', '1h');
    const { correlation } = parseConfig('correlation:\n  builtinPatterns: false\n  limits:\n    maxHeld: 2\n', 'tapio.yaml', {}).config;
    const graph = new MemoryGraphStore();
    await graph.start();
    const stage = new ProcessingStage(graph, new InProcessBus(), [], { ...correlation, patterns: [dir] }, '.', silentLogger);
    await stage.start(false);
    const now = Date.now();
    for (const [index, namespace] of ['shop', 'cart', 'billing', 'search'].entries()) {
      const at = new Date(now + index * 1000).toISOString();
      await stage.handle({ id: `down-${namespace}`, type: 'service_unavailable', timestamp: at, source: 'kubeapi', severity: 'high', message: 'no endpoints', semantic: { intent: 'service-unavailable', category: 'availability', narrative: 'no endpoints' }, entity: { cluster: 'c', kind: 'Service', namespace, name: 'api' }, processedAt: at });
    }
    expect(stage.engine.heldCount).toBe(2);
    expect((await graph.stats()).insights).toBe(2);
    await stage.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a held match survives a restart, and a partitioned worker replays only its share', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-hold-restart-'));
    await writeOutagePattern(dir, 'slow-outage', '1h');
    const config = { ...CONFIG, builtinPatterns: false, patterns: [dir] };
    const graph = new MemoryGraphStore();
    await graph.start();
    const first = new ProcessingStage(graph, new InProcessBus(), [], config, '.', silentLogger);
    await first.start(false);
    const namespaces = ['shop', 'cart', 'billing', 'search', 'auth', 'mail'];
    const now = Date.now();
    for (const [index, namespace] of namespaces.entries()) {
      const at = new Date(now + index * 1000).toISOString();
      const service = { cluster: 'c', kind: 'Service', namespace, name: 'api' };
      await first.handle({ id: `down-${namespace}`, type: 'service_unavailable', timestamp: at, source: 'kubeapi', severity: 'high', message: 'no endpoints', semantic: { intent: 'service-unavailable', category: 'availability', narrative: 'no endpoints' }, entity: service, processedAt: at });
    }
    expect(first.engine.heldCount).toBe(namespaces.length);
    await first.stop();

    const whole = new ProcessingStage(graph, new InProcessBus(), [], config, '.', silentLogger);
    await whole.start(false);
    expect(whole.engine.heldCount).toBe(namespaces.length);
    await whole.stop();

    const partition = { index: 1, count: 2 };
    const share = namespaces.filter((namespace) => partitionOf(partitionKey({ entity: { cluster: 'c', kind: 'Service', namespace, name: 'api' } }) as string, 2) === 1);
    expect(share.length).toBeGreaterThan(0);
    expect(share.length).toBeLessThan(namespaces.length);
    const worker = new ProcessingStage(graph, new InProcessBus(), [], config, '.', silentLogger);
    await worker.start(false, partition);
    expect(worker.engine.heldCount).toBe(share.length);
    await worker.stop();
    await rm(dir, { recursive: true, force: true });
  });
});

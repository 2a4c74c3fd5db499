import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@tapio/domain';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { DependencyCorrelator, OwnershipCorrelator, PerformanceCorrelator, SequenceCorrelator, TemporalCorrelator } from '@tapio/correlation';
import { DeadLetterStore, InProcessBus, MemoryGraphStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';
import { ProcessingStage } from './processing-stage.js';

const RECORDING = fileURLToPath(new URL('../../../../examples/recordings/configmap-cascade.ndjson', import.meta.url));
const CONFIG = { patterns: [], builtinPatterns: true, window: '2h', maxEvents: 1_000_000, mergeWindow: '1h' };

async function stageWithIncident(durable: boolean) {
  const graph = new MemoryGraphStore();
  await graph.start();
  const correlators = [new TemporalCorrelator(), new SequenceCorrelator(), new DependencyCorrelator(), new OwnershipCorrelator(), new PerformanceCorrelator()];
  const stage = new ProcessingStage(graph, new InProcessBus(), correlators, CONFIG, '.', silentLogger, durable);
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

  it('picks up feedback another process wrote to the shared graph and re-rates the open incident', async () => {
    const { graph, stage } = await stageWithIncident(true);
    const [insight] = stage.engine.insights();
    expect(insight?.pattern).toBe('config-cascade');
    const before = insight!.confidence;
    await graph.writeFeedback({ id: 'fb-1', predictionId: insight!.predictionId!, patternId: 'config-cascade', accurate: false, rating: -1, comment: 'wrong', timestamp: '2026-03-02T11:00:00Z' });
    await stage.refreshFeedback();
    const after = stage.engine.insights()[0]!.confidence;
    // One inaccurate verdict out of one: base × (0.5 + 0 × 0.5) halves the pattern's confidence.
    expect(after).toBeCloseTo(before / 2, 5);
    await stage.stop();
  });

  it('releases a held match once the stream has been quiet for its hold, and writes and publishes the insight', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-hold-'));
    await writeFile(
      join(dir, 'quick-outage.yaml'),
      [
        'apiVersion: behavior.tapio.io/v1',
        'kind: BehaviorPattern',
        'metadata: { name: quick-outage }',
        'spec:',
        '  severity: critical',
        '  conditions: [{ field: type, operator: equals, value: service_unavailable }]',
        '  holdFor: 1s',
        '  clearedBy: [{ field: type, operator: equals, value: service_restored }]',
        '  predictions: [{ type: outage, confidence_base: 0.9, message: down }]',
        '',
      ].join('\n'),
    );
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
});

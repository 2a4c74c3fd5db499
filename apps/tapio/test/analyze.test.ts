import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { adjustedConfidence, severityRank, type Feedback } from '@tapio/domain';
import { FeedbackLedger } from '@tapio/correlation';
import { MemoryGraphStore } from '@tapio/embedded';
import { analyzeRecording } from './support/analyze-recording.js';
import { readRecording } from './support/recording-variants.js';

const run = promisify(execFile);
const TAPIO = fileURLToPath(new URL('../../../bin/tapio', import.meta.url));
const SCENARIOS = new URL('../../../../shared/scenarios/', import.meta.url);

interface Expected {
  name: string;
  benign: boolean;
  rootCause: { kind: string; namespace: string | null; name: string } | null;
  alsoAcceptable: Array<{ kind: string; namespace: string | null; name: string }>;
}

interface InsightOut {
  rootCause: { kind: string; namespace: string | null; name: string; what: string };
  severity: string;
  pattern: string;
  confidence: number;
  symptoms: Array<{ kind: string; namespace: string | null; name: string }>;
  story: string;
}

async function analyze(name: string, json = true): Promise<{ stdout: string; document?: { insights: InsightOut[] } }> {
  const file = fileURLToPath(new URL(`${name}.ndjson`, SCENARIOS));
  const { stdout } = await run(TAPIO, ['analyze', file, ...(json ? ['--json'] : [])], { maxBuffer: 64 * 2 ** 20 });
  return json ? { stdout, document: JSON.parse(stdout) as { insights: InsightOut[] } } : { stdout };
}

const expected = (name: string) => JSON.parse(readFileSync(new URL(`${name}.expected.json`, SCENARIOS), 'utf8')) as Expected;
const same = (a: { kind: string; namespace?: string | null; name: string }, b: { kind: string; namespace?: string | null; name: string }) => a.kind === b.kind && (a.namespace ?? null) === (b.namespace ?? null) && a.name === b.name;

describe('tapio analyze on the shared scenarios (built CLI, full pipeline)', () => {
  for (const name of ['configmap-cascade', 'oom-cascade']) {
    it(`${name}: the first insight names the expected root cause`, async () => {
      const answer = expected(name);
      const { document } = await analyze(name);
      const first = document?.insights[0];
      expect(first, 'an insight').toBeDefined();
      const accepted = [answer.rootCause!, ...answer.alsoAcceptable];
      expect(accepted.some((candidate) => same(candidate, first!.rootCause)), JSON.stringify(first?.rootCause)).toBe(true);
      expect(severityRank(first!.severity as never)).toBeGreaterThanOrEqual(severityRank('medium'));
      expect(first!.symptoms.length).toBeGreaterThan(0);
    });
  }

  it('benign-rollout: no insight of severity medium or above', async () => {
    const { document } = await analyze('benign-rollout');
    expect(document?.insights.filter((insight) => severityRank(insight.severity as never) >= severityRank('medium'))).toEqual([]);
  });

  it('configmap-cascade story: the tree from the edit through the rollout to the crashing pods and their Service', async () => {
    const { stdout } = await analyze('configmap-cascade', false);
    const story = stdout.split('\n\n')[0] as string;
    expect(story).toMatch(/^#1 \[high\] config-cascade: root cause ConfigMap shop\/checkout-config/);
    expect(story).toContain('2026-03-02T10:03:12Z');
    expect(story).toMatch(/├─ 2026-03-02T10:05:40Z: Deployment shop\/checkout pod template changed/);
    expect(story).toMatch(/├─ \d+ (pods|entities) affected \(.*crash loop.*\): checkout-h255j8bmp-\w+, checkout-h255j8bmp-\w+.* across 2 nodes \(node-1, node-2\)/);
    expect(story).toContain("├─ Service 'checkout' selects these pods");
    expect(story).toMatch(/├─ Confidence: \d+% \(config-cascade\)/);
    expect(story).toMatch(/└─ Next: /);
  });
});

describe('feedback adjusts confidence by seed 002 formula', () => {
  const cascade = readRecording(new URL('configmap-cascade.ndjson', SCENARIOS));

  it('confidence = base × (0.5 + accuracy × 0.5) × evidence, from feedback stored in the graph', async () => {
    const before = analyzeRecording(cascade).insights[0]!;
    expect(before.pattern).toBe('config-cascade');
    const graph = new MemoryGraphStore();
    const feedback = (id: string, accurate: boolean): Feedback => ({ id, predictionId: before.predictionId!, patternId: 'config-cascade', accurate, rating: accurate ? 1 : -1, comment: '', timestamp: '2026-03-02T11:00:00Z' });
    for (const [index, accurate] of [true, false, false, false].entries()) await graph.writeFeedback(feedback(`fb-${index}`, accurate));
    const ledger = new FeedbackLedger();
    await ledger.loadFrom(graph, ['config-cascade']);
    expect(ledger.stats('config-cascade')).toEqual({ accurate: 1, total: 4 });
    const after = analyzeRecording(cascade, ledger).insights[0]!;
    expect(after.rootCause.entity).toEqual(before.rootCause.entity);
    expect(after.confidence).toBeCloseTo(before.confidence * (0.5 + 0.25 * 0.5), 6);
    expect(adjustedConfidence(0.85, 1, 4)).toBeCloseTo(0.53125, 6);
  });

  it('feedback arriving while an incident is open refreshes its confidence', () => {
    const ledger = new FeedbackLedger();
    const { engine, insights } = analyzeRecording(cascade, ledger);
    const original = insights[0]!;
    for (const accurate of [true, true, true]) ledger.record({ id: `fb-${accurate}`, predictionId: original.predictionId!, patternId: 'config-cascade', accurate, rating: 1, comment: '', timestamp: '2026-03-02T11:00:00Z' });
    const refreshed = engine.refreshConfidence('config-cascade');
    expect(refreshed.map((insight) => insight.id)).toContain(original.id);
    expect(engine.insights()[0]?.confidence).toBeCloseTo(original.confidence, 6);
    ledger.record({ id: 'fb-no', predictionId: original.predictionId!, patternId: 'config-cascade', accurate: false, rating: -1, comment: 'wrong', timestamp: '2026-03-02T11:05:00Z' });
    engine.refreshConfidence('config-cascade');
    expect(engine.insights()[0]?.confidence).toBeCloseTo(original.confidence * (0.5 + 0.75 * 0.5), 6);
  });
});

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
import { SHARED_SCENARIOS } from './support/shared-scenarios.js';

const run = promisify(execFile);
const TAPIO = fileURLToPath(new URL('../../../bin/tapio', import.meta.url));
const SCENARIOS = SHARED_SCENARIOS;

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

describe('feedback moves confidence (the base weighs as 2.5 verdicts, bounded)', () => {
  /** An incident's confidence is in whole percent (story/confidence.ts). */
  const percent = (value: number) => Math.round(value * 100) / 100;
  /**
   * The evidence factor an incident was rated with at the base confidence of 0.85: 0.85, plus
   * 0.075 for a causal chain and up to 0.075 for its symptoms, in steps of 0.025; the one
   * step whose rating gives the confidence seen.
   */
  const evidenceOf = (confidence: number) => {
    const factors = [0.85, 0.875, 0.9, 0.925, 0.95, 0.975, 1].filter((factor) => percent(0.85 * factor) === confidence);
    expect(factors).toHaveLength(1);
    return factors[0] as number;
  };
  const cascade = readRecording(new URL('configmap-cascade.ndjson', SCENARIOS));

  it('confidence = learned pattern confidence × evidence, from feedback stored in the graph', async () => {
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
    expect(after.confidence).toBe(percent(adjustedConfidence(0.85, 1, 4) * evidenceOf(before.confidence)));
    expect(adjustedConfidence(0.85, 1, 4)).toBeCloseTo((0.85 * 2.5 + 1) / 6.5, 6);
  });

  it('a pattern retired by wrong verdicts keeps counting matches but opens no incident; the story names a promoted one', () => {
    const verdicts = (accurate: boolean) => {
      const ledger = new FeedbackLedger();
      for (const user of ['u1', 'u2', 'u3', 'u4', 'u5']) ledger.record({ id: `fb-${user}`, user, predictionId: 'pred-earlier', patternId: 'config-cascade', accurate, rating: 0, comment: '', timestamp: '2026-03-01T11:00:00Z' });
      return ledger;
    };
    const retired = verdicts(false);
    expect(retired.status('config-cascade', 0.85)).toBe('retired');
    const { engine, insights } = analyzeRecording(cascade, retired);
    expect(insights.map((insight) => insight.pattern)).not.toContain('config-cascade');
    expect(engine.matches('config-cascade')).toBeGreaterThan(0);

    const promoted = verdicts(true);
    expect(promoted.status('config-cascade', 0.85)).toBe('promoted');
    const trusted = analyzeRecording(cascade, promoted).insights[0]!;
    expect(trusted.pattern).toBe('config-cascade');
    expect(trusted.story).toContain('(config-cascade, promoted by feedback)');
  });

  it('feedback arriving while an incident is open refreshes its confidence', () => {
    const ledger = new FeedbackLedger();
    const { engine, insights } = analyzeRecording(cascade, ledger);
    const original = insights[0]!;
    for (const user of ['alice', 'bob', 'carol']) ledger.record({ id: `fb-${user}`, user, predictionId: original.predictionId!, patternId: 'config-cascade', accurate: true, rating: 1, comment: '', timestamp: '2026-03-02T11:00:00Z' });
    const refreshed = engine.refreshConfidence('config-cascade');
    expect(refreshed.map((insight) => insight.id)).toContain(original.id);
    // Three right verdicts raise it above the base.
    expect(engine.insights()[0]?.confidence).toBe(percent(adjustedConfidence(0.85, 3, 3) * evidenceOf(original.confidence)));
    expect(engine.insights()[0]?.confidence).toBeGreaterThan(original.confidence);
    ledger.record({ id: 'fb-no', predictionId: original.predictionId!, patternId: 'config-cascade', accurate: false, rating: -1, comment: 'wrong', timestamp: '2026-03-02T11:05:00Z' });
    engine.refreshConfidence('config-cascade');
    expect(engine.insights()[0]?.confidence).toBe(percent(adjustedConfidence(0.85, 3, 4) * evidenceOf(original.confidence)));
  });
});

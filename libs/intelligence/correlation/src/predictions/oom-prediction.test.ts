import type { EntityRef, Feedback } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { builtinEngine } from '../../test/support/engine.js';
import { memoryTrend as trend } from '../../test/support/memory-trend.js';
import { FeedbackLedger } from '../feedback/feedback-ledger.js';

function shop() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const cart = cluster.workload('shop', 'cart', { replicas: 2, nodes: ['node-1'] });
  cluster.advance(60);
  return { cluster, pod: cart.pods[0] as EntityRef };
}

describe('OOM prediction from the kubelet trend', () => {
  it('issues "OOMKilled in about N minutes" with a deadline, confidence scaled by the trend, and marks it came true on the kill', () => {
    const { cluster, pod } = shop();
    const engine = builtinEngine();
    for (const event of cluster.events) engine.process(event);
    const warned = engine.process(trend(cluster, pod, 4, 0.5));
    const [issued] = warned.predictions;
    expect(issued?.message).toBe(`Container app of Pod shop/${pod.name} will be OOMKilled in about 4 minutes at the current growth`);
    expect(issued?.patternId).toBe('memory-limit-approaching');
    expect(issued?.createdAt).toBe(cluster.now);
    // 4 minutes, 1.5 times, plus one: 7 minutes.
    expect(Date.parse(issued?.deadline ?? '') - Date.parse(cluster.now)).toBe(7 * 60_000);
    expect(issued?.confidence).toBeLessThan(warned.insights[0]?.confidence ?? 0);
    expect(issued?.result).toBeUndefined();
    expect(warned.insights[0]?.severity).toBe('medium');
    expect(warned.insights[0]?.story).toContain(`  ├─ Predicted at ${cluster.now} (memory-limit-approaching): ${issued?.message}; expected by ${issued?.deadline}\n`);

    cluster.advance(200);
    const kill = cluster.oomKill(pod, 1);
    const output = engine.process(kill);
    const judged = output.predictions.find((prediction) => prediction.id === issued?.id);
    expect(judged?.result).toEqual({ status: 'came_true', at: kill.timestamp, eventId: kill.id });
    // The kill also names the incident: memory-leak-oom, same root (the growth).
    expect(engine.insights()[0]?.pattern).toBe('memory-leak-oom');
    // Its story says it was predicted, when, and that it came true: the prediction linked to its outcome.
    expect(engine.insights()[0]?.story).toContain(`  ├─ Predicted at ${issued?.createdAt} (memory-limit-approaching): ${issued?.message}; came true at ${kill.timestamp}\n`);
    expect(engine.predictionsOf(engine.insights()[0]?.id ?? '').map((prediction) => [prediction.id, prediction.result?.status])).toEqual([[issued?.id, 'came_true']]);
    expect(engine.feedback.outcomeStats('memory-limit-approaching')).toEqual({ cameTrue: 1, didNotHappen: 0 });
    expect(engine.feedback.confidence('memory-limit-approaching', 0.75)).toBeGreaterThan(0.75);
  });

  it('marks it did not happen when event time passes the deadline without a kill, which lowers the pattern confidence', () => {
    const { cluster, pod } = shop();
    const engine = builtinEngine();
    for (const event of cluster.events) engine.process(event);
    const warned = engine.process(trend(cluster, pod, 4));
    const issued = warned.predictions[0];
    cluster.advance(6 * 60);
    expect(engine.process(cluster.signal('resource_usage', pod)).predictions).toEqual([]);
    cluster.advance(2 * 60);
    const late = engine.process(cluster.signal('resource_usage', pod));
    expect(late.predictions).toEqual([{ ...issued, result: { status: 'did_not_happen', at: issued?.deadline } }]);
    // The incident is re-rated with the pattern's lower confidence.
    expect(late.insights.map((insight) => insight.id)).toEqual([warned.insights[0]?.id]);
    expect(late.insights[0]?.confidence).toBeLessThan(warned.insights[0]?.confidence ?? 0);
    // The warning is closed: low severity, and its story says the failure did not come.
    expect(late.insights[0]?.severity).toBe('low');
    expect(late.insights[0]?.story).toContain(`Predicted at ${issued?.createdAt} (memory-limit-approaching): ${issued?.message}; did not happen by ${issued?.deadline}: prediction closed`);
    expect(engine.insights()[0]).toEqual(late.insights[0]);
    expect(engine.feedback.confidence('memory-limit-approaching', 0.75)).toBeLessThan(0.75);
    expect(engine.predictions()[0]?.result?.status).toBe('did_not_happen');
  });

  it('the end of a recording judges nothing: the deadline has not come', () => {
    const { cluster, pod } = shop();
    const engine = builtinEngine();
    for (const event of cluster.events) engine.process(event);
    engine.process(trend(cluster, pod, 4));
    expect(engine.releaseDue(Number.POSITIVE_INFINITY).predictions).toEqual([]);
    expect(engine.predictions()[0]?.result).toBeUndefined();
  });
});

describe('FeedbackLedger with prediction outcomes', () => {
  const verdict = (predictionId: string, accurate: boolean): Feedback => ({ id: `fb-${predictionId}`, predictionId, patternId: 'p', accurate, rating: 0, comment: '', timestamp: '2026-03-02T10:00:00Z' });
  const judged = (id: string, cameTrue: boolean) => ({
    id,
    patternId: 'p',
    type: 'oom_kill',
    confidence: 0.7,
    message: '',
    impact: [],
    createdAt: '2026-03-02T10:00:00Z',
    result: { status: cameTrue ? ('came_true' as const) : ('did_not_happen' as const), at: '2026-03-02T10:05:00Z' },
  });

  it('an outcome moves confidence half as far as a verdict, and a verdict on the same prediction replaces its outcome', () => {
    const byOutcome = new FeedbackLedger();
    byOutcome.recordOutcome(judged('a', false));
    const byVerdict = new FeedbackLedger();
    byVerdict.record(verdict('a', false));
    const base = 0.75;
    expect(base - byOutcome.confidence('p', base)).toBeGreaterThan(0);
    expect(base - byVerdict.confidence('p', base)).toBeGreaterThan(base - byOutcome.confidence('p', base));

    // The person said right about the prediction that did not happen: only the verdict counts.
    byOutcome.record(verdict('a', true));
    expect(byOutcome.outcomeStats('p')).toEqual({ cameTrue: 0, didNotHappen: 0 });
    expect(byOutcome.standing('p', base, 3)).toMatchObject({ feedbackCount: 1, accurateCount: 1 });
    expect(byOutcome.standing('p', base, 3).outcomes).toBeUndefined();
    byOutcome.recordOutcome(judged('b', true));
    expect(byOutcome.standing('p', base, 3).outcomes).toEqual({ cameTrue: 1, didNotHappen: 0 });
  });

  it('confidence and status read between changes are those of a ledger given the same verdicts and outcomes afresh', async () => {
    const ledger = new FeedbackLedger();
    const given: Array<(target: FeedbackLedger) => void> = [];
    const give = (change: (target: FeedbackLedger) => void) => {
      given.push(change);
      change(ledger);
      const fresh = new FeedbackLedger();
      for (const past of given) past(fresh);
      expect(ledger.confidence('p', 0.75)).toBe(fresh.confidence('p', 0.75));
      expect(ledger.status('p', 0.75)).toBe(fresh.status('p', 0.75));
    };
    expect(ledger.confidence('p', 0.75)).toBe(0.75);
    give((target) => target.recordOutcome(judged('a', true)));
    give((target) => target.recordOutcome(judged('b', false)));
    give((target) => target.record(verdict('b', true)));
    give((target) => target.recordOutcome(judged('a', false)));
    for (let index = 0; index < 8; index += 1) give((target) => target.record(verdict(`c-${index}`, false)));
    // Verdicts reloaded from a graph that has none any more.
    await ledger.loadFrom({ feedbackFor: async () => [] }, ['p']);
    const outcomesOnly = new FeedbackLedger();
    outcomesOnly.recordOutcome(judged('a', false));
    outcomesOnly.recordOutcome(judged('b', false));
    expect(ledger.confidence('p', 0.75)).toBe(outcomesOnly.confidence('p', 0.75));
  });

  it('remembers the newest maxOutcomes outcomes per pattern and learns from them only', () => {
    const ledger = new FeedbackLedger(undefined, 100);
    for (let index = 0; index < 50; index += 1) ledger.recordOutcome(judged(`old-${index}`, true));
    for (let index = 0; index < 1_000; index += 1) ledger.recordOutcome(judged(`new-${index}`, false));
    // Without the bound: 50 came true, 1,000 did not.
    expect(ledger.outcomeStats('p')).toEqual({ cameTrue: 0, didNotHappen: 100 });
    // One taken again is the newest: it stays when older ones go.
    ledger.recordOutcome(judged('new-900', true));
    for (let index = 0; index < 99; index += 1) ledger.recordOutcome(judged(`last-${index}`, false));
    expect(ledger.outcomeStats('p')).toEqual({ cameTrue: 1, didNotHappen: 99 });
  });
});

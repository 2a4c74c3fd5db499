import type { EntityRef } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { memoryTrend } from '../../test/support/memory-trend.js';
import { CorrelationEngine } from '../engine/correlation-engine.js';
import { FeedbackLedger } from '../feedback/feedback-ledger.js';
import { loadBuiltinPatterns } from '../patterns/builtin-pattern-dir.js';

describe('limits.maxTrackedPredictions', () => {
  it('keeps at most that many predictions open; the one due first is dropped unjudged and counted', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    // Three workloads: three incidents, each with its own prediction.
    const pods = ['cart', 'checkout', 'search'].map((name) => cluster.workload('shop', name, { replicas: 1, nodes: ['node-1'] }).pods[0] as EntityRef);
    cluster.advance(60);
    const engine = new CorrelationEngine([], new FeedbackLedger(), { limits: { maxTrackedPredictions: 2 } });
    engine.setPatterns(loadBuiltinPatterns());
    for (const event of cluster.events) engine.process(event);
    // Due in 2, 20 and 10 minutes (× 1.5 + 1): the first is the one dropped when the third arrives.
    const issued = [2, 20, 10].map((minutes, index) => engine.process(memoryTrend(cluster, pods[index] as EntityRef, minutes)).predictions[0]);
    expect(new Set(issued.map((prediction) => prediction?.deadline && prediction.id)).size).toBe(3);
    expect(engine.memory().openPredictions).toBe(2);
    expect(engine.predictionStats()).toEqual({ open: 2, cameTrue: 0, didNotHappen: 0, partlyTrue: 0, dropped: 1 });

    // The dropped one's kill judges nothing; its deadline passing neither.
    cluster.advance(60);
    const killed = engine.process(cluster.oomKill(pods[0] as EntityRef, 1));
    expect(killed.predictions.filter((prediction) => prediction.result).map((prediction) => prediction.id)).toEqual([]);
    // The tracked ones are judged: one comes true, the other's deadline passes.
    const kill = engine.process(cluster.oomKill(pods[2] as EntityRef, 1));
    expect(kill.predictions.find((prediction) => prediction.id === issued[2]?.id)?.result?.status).toBe('came_true');
    cluster.advance(40 * 60);
    const late = engine.process(cluster.signal('resource_usage', pods[1] as EntityRef));
    expect(late.predictions.find((prediction) => prediction.id === issued[1]?.id)?.result?.status).toBe('did_not_happen');
    expect(engine.predictionStats()).toEqual({ open: 0, cameTrue: 1, didNotHappen: 1, partlyTrue: 0, dropped: 1 });
    expect(engine.predictions().find((prediction) => prediction.id === issued[0]?.id)?.result).toBeUndefined();
  });
});

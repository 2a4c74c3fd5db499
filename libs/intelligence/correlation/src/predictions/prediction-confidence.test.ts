import type { EntityRef } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { builtinEngine } from '../../test/support/engine.js';
import { memoryTrend as trend } from '../../test/support/memory-trend.js';
import { predictionConfidence } from './prediction-confidence.js';

function shop() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const cart = cluster.workload('shop', 'cart', { replicas: 2, nodes: ['node-1'] });
  cluster.advance(60);
  return { cluster, pods: cart.pods as EntityRef[] };
}

describe('predictionConfidence', () => {
  it('scales the incident confidence by the trend quality, to two decimals; without a trend it is the incident confidence', () => {
    expect(predictionConfidence(0.8, 0.5)).toBe(0.4);
    expect(predictionConfidence(0.777, 0.9)).toBe(0.7);
    expect(predictionConfidence(0.777)).toBe(0.777);
    expect(predictionConfidence(0.8, 1.7)).toBe(0.8);
    expect(predictionConfidence(0.8, -1)).toBe(0);
  });
});

describe('a trend prediction re-rated after feedback', () => {
  it('keeps the trend factor: a verdict moves the pattern confidence, the trend evidence still scales the prediction', () => {
    const { cluster, pods } = shop();
    const engine = builtinEngine();
    for (const event of cluster.events) engine.process(event);
    const warned = engine.process(trend(cluster, pods[0] as EntityRef, 4, 0.5));
    const [issued] = warned.predictions;
    const insight = warned.insights[0];
    expect(issued?.confidence).toBe(predictionConfidence(insight?.confidence ?? 0, 0.5));

    engine.feedback.record({ id: 'fb-1', predictionId: issued?.id ?? '', patternId: 'memory-limit-approaching', accurate: true, rating: 1, comment: '', timestamp: cluster.now });
    const rerated = engine.rerate('memory-limit-approaching');
    const [after] = rerated.insights;
    expect(after?.confidence).toBeGreaterThan(insight?.confidence ?? 1);
    // The learned pattern confidence with the same trend evidence, not the incident's confidence alone.
    const expected = predictionConfidence(after?.confidence ?? 0, 0.5);
    expect(expected).toBeLessThan(after?.confidence ?? 0);
    expect(rerated.predictions.map((prediction) => [prediction.id, prediction.confidence])).toEqual([[issued?.id, expected]]);
    expect(engine.predictions().find((prediction) => prediction.id === issued?.id)?.confidence).toBe(expected);
    // The re-rated prediction is still the one issued: same deadline, still open.
    expect(rerated.predictions[0]).toMatchObject({ deadline: issued?.deadline, createdAt: issued?.createdAt });
    expect(rerated.predictions[0]?.result).toBeUndefined();
  });

  it('an outcome re-rates the other open prediction of the pattern with its own trend factor', () => {
    const { cluster, pods } = shop();
    const engine = builtinEngine();
    for (const event of cluster.events) engine.process(event);
    const first = engine.process(trend(cluster, pods[0] as EntityRef, 2, 0.9)).predictions[0];
    cluster.advance(30);
    const second = engine.process(trend(cluster, pods[1] as EntityRef, 30, 0.4)).predictions[0];
    // The first one's deadline (2 min × 1.5 + 1 min) passes without a kill: it did not happen.
    cluster.advance(5 * 60);
    const late = engine.process(cluster.signal('resource_usage', pods[1] as EntityRef));
    expect(late.predictions.find((prediction) => prediction.id === first?.id)?.result?.status).toBe('did_not_happen');
    const secondInsight = late.insights.find((insight) => insight.predictionId === second?.id);
    expect(secondInsight?.confidence).toBeDefined();
    const reRated = late.predictions.find((prediction) => prediction.id === second?.id);
    expect(reRated?.confidence).toBe(predictionConfidence(secondInsight?.confidence ?? 0, 0.4));
    expect(reRated?.confidence).toBeLessThan(second?.confidence ?? 0);
  });
});

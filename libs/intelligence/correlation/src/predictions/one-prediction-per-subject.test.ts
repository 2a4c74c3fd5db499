import type { EntityRef, UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { builtinEngine } from '../../test/support/engine.js';

/** The kubelet's trend of one container of a pod (the fixture's helper names container app only). */
function trendOf(cluster: ClusterFixture, pod: EntityRef, container: string, minutes: number): UnifiedEvent {
  const event = cluster.signal('memory_limit_approaching', pod, {
    message: `Container ${container} of pod ${pod.namespace}/${pod.name} grows 4.0 MiB/min: at 400.0 MiB of its 512.0 MiB limit, it reaches it (OOM kill) in about ${minutes} minutes`,
    kubernetes: { container },
  });
  event.source = 'kubelet_api';
  event.metrics = { 'memory.minutes_to_limit': minutes, 'memory.usage_percent': 80, 'memory.trend_confidence': 0.9 };
  return event;
}

describe('several open predictions in one incident', () => {
  it('two containers of one pod growing toward their limits: one incident, one open OOM prediction each, judged each by its own kill', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const pod = cluster.workload('shop', 'cart', { replicas: 1, nodes: ['node-1'] }).pods[0] as EntityRef;
    cluster.advance(60);
    const engine = builtinEngine();
    for (const event of cluster.events) engine.process(event);
    const app = engine.process(trendOf(cluster, pod, 'app', 20)).predictions[0];
    cluster.advance(30);
    const second = engine.process(trendOf(cluster, pod, 'sidecar', 4));
    const sidecar = second.predictions[0];
    // The same incident (same root), but each container's prediction is its own: not the first one with the second's words.
    expect(engine.insights()).toHaveLength(1);
    expect(sidecar?.id).not.toBe(app?.id);
    expect(sidecar?.expects?.container).toBe('sidecar');
    expect(sidecar?.message).toContain('Container sidecar of');
    const insightId = engine.insights()[0]?.id ?? '';
    expect(engine.predictionsOf(insightId).map((prediction) => [prediction.expects?.container, prediction.result?.status])).toEqual([
      ['app', undefined],
      ['sidecar', undefined],
    ]);
    // A re-issued trend of the same container is the same prediction (its latest estimate, the deadline it was issued with), not a third one.
    cluster.advance(15);
    engine.process(trendOf(cluster, pod, 'app', 18));
    expect(engine.predictionsOf(insightId)).toHaveLength(2);
    expect(engine.predictionsOf(insightId)[0]).toMatchObject({ id: app?.id, createdAt: app?.createdAt, deadline: app?.deadline });
    expect(engine.predictionsOf(insightId)[0]?.message).toContain('in about 18 minutes');

    cluster.advance(60);
    const kill = cluster.signal('oom_killed', pod, { message: `Container sidecar of pod shop/${pod.name} was OOMKilled (exit 137)`, kubernetes: { container: 'sidecar', reason: 'OOMKilled', exitCode: 137, restartCount: 1 } });
    engine.process(kill);
    expect(engine.predictionsOf(insightId).map((prediction) => [prediction.expects?.container, prediction.result?.status])).toEqual([
      ['app', undefined],
      ['sidecar', 'came_true'],
    ]);
  });
});

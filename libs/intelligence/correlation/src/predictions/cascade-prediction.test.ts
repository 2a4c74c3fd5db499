import type { EntityRef, Insight, Prediction } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { builtinEngine } from '../../test/support/engine.js';

const EDIT = [{ path: 'data.application.yaml', op: 'changed' as const, lines: [{ line: 12, before: 'timeout: 30s', after: 'timeout: 30' }] }];
const REVERT = [{ path: 'data.application.yaml', op: 'changed' as const, lines: [{ line: 12, before: 'timeout: 30', after: 'timeout: 30s' }] }];

/**
 * A ConfigMap used by the 6 pods of shop/checkout is edited in place; one pod reloads it
 * and crashes (restarted, then CrashLoopBackOff: two failures of the Deployment's pods):
 * config-cascade predicts the other 5 will fail on their next restart,
 * and later events judge that pod by pod.
 */
function cascade() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  const config = cluster.configMap('shop', 'checkout-config');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 6, configMaps: ['checkout-config'], nodes: ['node-1', 'node-2'] });
  cluster.advance(60);
  const engine = builtinEngine();
  let fed = 0;
  const feed = () => {
    const outputs = cluster.events.slice(fed).map((event) => engine.process(event));
    fed = cluster.events.length;
    return { insights: outputs.flatMap((output) => output.insights), predictions: outputs.flatMap((output) => output.predictions) };
  };
  const crash = (pod: EntityRef) => {
    cluster.restart(pod, 1);
    cluster.advance(2);
    cluster.crashLoop(pod, 2);
    cluster.advance(10);
  };
  const pods = [...checkout.pods] as EntityRef[];
  cluster.signal('config_changed', config, { message: 'ConfigMap shop/checkout-config changed: application.yaml: line 12: "timeout: 30s" -> "timeout: 30"', kubernetes: { watchType: 'MODIFIED', changes: EDIT } });
  cluster.advance(45);
  crash(pods[0] as EntityRef);
  const issued = feed();
  const insight = issued.insights.find((item) => item.pattern === 'config-cascade') as Insight;
  const prediction = engine.predictionsOf(insight.id)[0] as Prediction;
  return { cluster, config, checkout, engine, feed, crash, pods, insight, prediction };
}

const cascadeOf = (engine: ReturnType<typeof builtinEngine>, insightId: string) => engine.predictionsOf(insightId).find((prediction) => prediction.patternId === 'config-cascade');
const storyOf = (engine: ReturnType<typeof builtinEngine>, insightId: string) => engine.insights().find((insight) => insight.id === insightId)?.story ?? '';

describe('the config-cascade prediction, judged pod by pod', () => {
  it('is issued when the pattern matches, about the 5 pods that use the ConfigMap and do not fail yet, due 30 minutes later', () => {
    const { insight, prediction } = cascade();
    expect(prediction.message).toBe('5 more of the 6 pods that use ConfigMap shop/checkout-config will fail the same way on their next restart (1 already fail)');
    expect(prediction.tally).toEqual({ expected: 5, failed: 0, healthy: 0, gone: 0 });
    expect(prediction.expects?.entity).toMatchObject({ kind: 'ConfigMap', name: 'checkout-config' });
    expect(Date.parse(prediction.deadline ?? '') - Date.parse(prediction.createdAt)).toBe(30 * 60_000);
    expect(insight.story).toContain(`Predicted at ${prediction.createdAt} (config-cascade): ${prediction.message}; so far 0 of 5 failed the same way, 5 not restarted yet; expected by ${prediction.deadline}`);
  });

  it('counts each pending pod that fails the same way ("2 of 5 so far" while open) and comes true with the last one', () => {
    const { engine, feed, crash, pods, insight, prediction } = cascade();
    crash(pods[1] as EntityRef);
    crash(pods[2] as EntityRef);
    const progressed = feed();
    expect(progressed.predictions.filter((item) => item.id === prediction.id).at(-1)?.tally).toEqual({ expected: 5, failed: 2, healthy: 0, gone: 0 });
    expect(cascadeOf(engine, insight.id)?.result).toBeUndefined();
    // The message stays what was predicted; the count says how it goes.
    expect(cascadeOf(engine, insight.id)?.message).toBe(prediction.message);
    expect(storyOf(engine, insight.id)).toContain('; so far 2 of 5 failed the same way, 3 not restarted yet; expected by');
    for (const pod of pods.slice(3)) crash(pod);
    const judged = feed().predictions.filter((item) => item.id === prediction.id).at(-1);
    expect(judged?.result).toMatchObject({ status: 'came_true' });
    expect(judged?.tally).toEqual({ expected: 5, failed: 5, healthy: 0, gone: 0 });
    // The failure that completed it: the last pending pod's first failure.
    expect(judged?.result?.eventId).toEqual(expect.any(String));
    expect(storyOf(engine, insight.id)).toContain(`; came true at ${judged?.result?.at}: 5 of 5 failed the same way`);
    expect(engine.predictionStats()).toMatchObject({ open: 0, cameTrue: 1, partlyTrue: 0, didNotHappen: 0 });
  });

  it('pods that become ready again count against it: partly right, with the counts, once every pending pod did one or the other', () => {
    const { cluster, engine, feed, crash, pods, insight, prediction } = cascade();
    crash(pods[1] as EntityRef);
    for (const pod of pods.slice(2)) {
      cluster.signal('pod_ready', pod);
      cluster.advance(5);
    }
    const judged = feed().predictions.filter((item) => item.id === prediction.id).at(-1);
    expect(judged?.result?.status).toBe('partly_true');
    expect(judged?.tally).toEqual({ expected: 5, failed: 1, healthy: 4, gone: 0 });
    expect(storyOf(engine, insight.id)).toContain(`; partly right by ${judged?.result?.at}: 1 of 5 failed the same way, 4 restarted healthy: prediction closed`);
    // Still an incident: two pods crash; the prediction's miss does not close it.
    expect(engine.insights().find((item) => item.id === insight.id)?.severity).toBe('high');
  });

  it('closes did_not_happen at its deadline when none of the pending pods failed, with the counts', () => {
    const { cluster, engine, feed, pods, insight, prediction } = cascade();
    cluster.signal('pod_ready', pods[1] as EntityRef);
    cluster.advance(31 * 60);
    cluster.signal('resource_usage', pods[0] as EntityRef);
    const judged = feed().predictions.filter((item) => item.id === prediction.id).at(-1);
    expect(judged?.result).toEqual({ status: 'did_not_happen', at: prediction.deadline });
    expect(judged?.tally).toEqual({ expected: 5, failed: 0, healthy: 1, gone: 0 });
    expect(storyOf(engine, insight.id)).toContain(`; did not happen by ${prediction.deadline}: 0 of 5 failed the same way, 1 restarted healthy, 4 did not restart: prediction closed`);
    // Still an incident: a pod crashes; the prediction's miss does not close it.
    expect(engine.insights().find((item) => item.id === insight.id)?.severity).toBe('high');
  });

  it('is withdrawn when the ConfigMap is changed back (the same lines the other way), with the reason; another edit does not withdraw it', () => {
    const { cluster, config, engine, feed, crash, pods, insight, prediction } = cascade();
    crash(pods[1] as EntityRef);
    cluster.signal('config_changed', config, { kubernetes: { watchType: 'MODIFIED', changes: [{ path: 'data.application.yaml', op: 'changed', lines: [{ line: 3, before: 'debug: false', after: 'debug: true' }] }] } });
    cluster.advance(5);
    expect(feed().predictions.filter((item) => item.id === prediction.id && item.result)).toEqual([]);
    cluster.signal('config_changed', config, { kubernetes: { watchType: 'MODIFIED', changes: REVERT } });
    const revertedAt = cluster.now;
    const judged = feed().predictions.filter((item) => item.id === prediction.id).at(-1);
    expect(judged?.result).toEqual({ status: 'did_not_happen', at: revertedAt, reason: `withdrawn: ConfigMap shop/checkout-config was changed back at ${revertedAt} (1 of 5 had failed)` });
    expect(storyOf(engine, insight.id)).toContain(`; withdrawn: ConfigMap shop/checkout-config was changed back at ${revertedAt} (1 of 5 had failed) (${revertedAt}): prediction closed`);
  });

  it('revised, not duplicated, when more pods come to use the ConfigMap: one open prediction, the earlier wording and count kept', () => {
    const { cluster, checkout, engine, feed, crash, pods, insight, prediction } = cascade();
    crash(pods[1] as EntityRef);
    feed();
    const added = cluster.scale(checkout, 9);
    cluster.advance(5);
    crash(pods[2] as EntityRef);
    feed();
    const all = engine.predictionsOf(insight.id).filter((item) => item.patternId === 'config-cascade');
    expect(all.map((item) => item.id)).toEqual([prediction.id]);
    const revised = all[0] as Prediction;
    expect(revised.revisions).toEqual([{ at: expect.any(String), message: prediction.message, tally: { expected: 5, failed: 2, healthy: 0, gone: 0 } }]);
    expect(revised.message).toBe('6 more of the 9 pods that use ConfigMap shop/checkout-config will fail the same way on their next restart (3 already fail)');
    expect(revised.tally).toEqual({ expected: 6, failed: 0, healthy: 0, gone: 0 });
    expect(revised.createdAt).toBe(prediction.createdAt);
    expect(revised.deadline).toBe(prediction.deadline);
    expect(storyOf(engine, insight.id)).toContain(`(revised at ${revised.revisions?.[0]?.at}; it said: ${prediction.message})`);
    // The new pods count like the others.
    crash(added[0] as EntityRef);
    feed();
    expect(cascadeOf(engine, insight.id)?.tally).toMatchObject({ expected: 6, failed: 1 });
  });
});

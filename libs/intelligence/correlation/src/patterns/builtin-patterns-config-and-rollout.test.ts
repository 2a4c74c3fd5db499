import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { NODES, crashNewPods, rootIs, shop, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, loud, summary } from '../../test/support/engine.js';

describe('config-cascade', () => {
  it('a ConfigMap edit rolled out to pods that then crash is blamed on the ConfigMap', () => {
    const { cluster, config, checkout } = shop();
    cluster.editConfig(config);
    cluster.advance(150);
    const fresh = cluster.rollout(checkout);
    cluster.advance(5);
    crashNewPods(cluster, fresh, 3);
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], config), summary(insights)).toBe(true);
    expect(insights[0]?.pattern).toBe('config-cascade');
    expect(insights[0]?.symptoms.map((symptom) => symptom.name).sort()).toEqual(fresh.map((pod) => pod.name).sort());
  });

  it('with a Recreate rollout the Service empties before the new pods crash: still one incident, blamed on the ConfigMap', () => {
    const { cluster, config, checkout } = shop();
    cluster.editConfig(config);
    cluster.advance(120);
    const old = [...checkout.pods];
    // Recreate: the template changes, every old pod goes, the Service empties, then the new pods start.
    const fresh = cluster.rollout(checkout);
    for (const pod of old) cluster.retire(pod);
    cluster.advance(1);
    cluster.signal('service_unavailable', cluster.ref('Service', 'checkout', 'shop'), { message: 'Service shop/checkout has no ready endpoints (was 3)' });
    cluster.advance(5);
    crashNewPods(cluster, fresh, 3);
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], config), summary(insights)).toBe(true);
  });

  it.each([
    ['pod_failed', 'CreateContainerConfigError: configmap "checkout-config" not found'],
    ['volume_mount_failed', 'MountVolume.SetUp failed for volume "config": configmap "checkout-config" not found'],
  ] as const)('a deleted ConfigMap whose pods then fail (%s) is blamed on the ConfigMap', (failure, why) => {
    const { cluster, config, checkout } = shop();
    cluster.signal('config_changed', config, {
      message: 'ConfigMap shop/checkout-config deleted (data keys application.yaml)',
      kubernetes: { watchType: 'DELETED', changes: [{ path: 'data.application.yaml', op: 'removed' }] },
    });
    cluster.advance(90);
    for (let round = 0; round < 2; round += 1) {
      for (const pod of checkout.pods) {
        cluster.signal(failure, pod, { message: why });
        cluster.advance(10);
      }
      cluster.advance(30);
    }
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], config), summary(insights)).toBe(true);
    expect(insights[0]?.pattern).toBe('config-cascade');
  });

  it('a Secret rotation whose pods then crash without a rollout (hot reload) is blamed on the Secret', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const secret = cluster.secret('payments', 'db-credentials');
    const api = cluster.workload('payments', 'ledger', { replicas: 2, secrets: ['db-credentials'] });
    cluster.advance(300);
    cluster.editConfig(secret, 'password');
    cluster.advance(40);
    crashNewPods(cluster, api.pods, 2, 45);
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], secret), summary(insights)).toBe(true);
    expect(insights[0]?.pattern).toBe('config-cascade');
  });

  it('near miss: an edit of a ConfigMap nobody mounts, then crashes of another app, is not a config cascade', () => {
    const { cluster, unused, cart } = shop();
    cluster.editConfig(unused, 'flags.json');
    cluster.advance(120);
    crashNewPods(cluster, cart.pods, 2, 60);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'config-cascade'), summary(insights)).toEqual([]);
    expect(insights.some((insight) => rootIs(insight, unused)), summary(insights)).toBe(false);
  });

  it('near miss: pods already crashing before the edit are not explained by it', () => {
    const { cluster, config, checkout } = shop();
    crashNewPods(cluster, checkout.pods, 2, 60);
    cluster.editConfig(config);
    cluster.advance(60);
    crashNewPods(cluster, checkout.pods, 2, 60);
    const insights = analyze(cluster.events);
    expect(insights.some((insight) => rootIs(insight, config)), summary(insights)).toBe(false);
  });
});

describe('config-drift', () => {
  it('repeated edits of a ConfigMap followed by flapping readiness of its pods', () => {
    const { cluster, config, checkout } = shop();
    for (let edit = 0; edit < 3; edit += 1) {
      cluster.editConfig(config);
      cluster.advance(300);
    }
    for (const pod of checkout.pods) {
      cluster.probeFailure(pod, 'Readiness', 2);
      cluster.advance(10);
      cluster.signal('pod_not_ready', pod);
      cluster.advance(20);
    }
    const insights = withPattern(analyze(cluster.events), 'config-drift');
    expect(insights.length, summary(analyze(cluster.events))).toBeGreaterThan(0);
  });

  it('near miss: one edit and a single transient readiness failure', () => {
    const { cluster, config, checkout } = shop();
    cluster.editConfig(config);
    cluster.advance(600);
    cluster.probeFailure(checkout.pods[0] as EntityRef, 'Readiness');
    cluster.advance(60);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'config-drift')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('bad-rollout', () => {
  it('a rollout whose new pods cannot pull their image is blamed on the rolled workload', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'containers[checkout].image registry.example/checkout:2.14 -> registry.example/checkout:2.15-typo', 1);
    cluster.advance(5);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      cluster.signal('image_pull_failed', fresh[0] as EntityRef, { message: 'Failed: Failed to pull image "registry.example/checkout:2.15-typo": not found' });
      cluster.advance(30);
    }
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('bad-rollout');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });

  it('near miss: a routine rollout (new pods start, old pods go, one transient pull error retried)', () => {
    const { cluster, checkout } = shop();
    const old = [...checkout.pods];
    const fresh = cluster.rollout(checkout, 'containers[checkout].image 2.14 -> 2.15', 3);
    cluster.signal('image_pull_failed', fresh[0] as EntityRef, { message: 'Failed: Failed to pull image "registry.example/checkout:2.15": i/o timeout' });
    for (const [index, pod] of fresh.entries()) {
      cluster.advance(10);
      cluster.signal('pod_ready', pod);
      cluster.retire(old[index] as EntityRef);
    }
    cluster.signal('rollout_completed', checkout.ref);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'bad-rollout')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('stalled-rollout', () => {
  it('a ConfigMap edit rolled out to pods that never become ready: the stall is blamed on the edit', () => {
    const { cluster, config, checkout } = shop();
    cluster.editConfig(config);
    cluster.advance(20 * 60);
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.checksum/config changed', 1);
    for (let probe = 1; probe <= 4; probe *= 2) {
      cluster.advance(60);
      cluster.probeFailure(fresh[0] as EntityRef, 'Readiness', probe);
    }
    cluster.advance(600);
    cluster.signal('rollout_stalled', checkout.ref, { message: 'Deployment shop/checkout rollout stalled: ReplicaSet has timed out progressing.' });
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('stalled-rollout');
    expect(rootIs(insights[0], config), summary(insights)).toBe(true);
  });

  it('a rollout of a bad template that stalls is blamed on the workload', () => {
    const { cluster, checkout } = shop();
    cluster.rollout(checkout, 'containers[checkout].readinessProbe changed', 1);
    cluster.advance(600);
    cluster.signal('rollout_stalled', checkout.ref);
    const insights = analyze(cluster.events);
    expect(rootIs(withPattern(insights, 'stalled-rollout')[0], checkout.ref), summary(insights)).toBe(true);
  });

  it('near miss: a rollout that completes', () => {
    const { cluster, checkout } = shop();
    const old = [...checkout.pods];
    for (const [index, pod] of cluster.rollout(checkout).entries()) {
      cluster.advance(20);
      cluster.signal('pod_ready', pod);
      cluster.retire(old[index] as EntityRef);
    }
    cluster.signal('rollout_completed', checkout.ref);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'stalled-rollout')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

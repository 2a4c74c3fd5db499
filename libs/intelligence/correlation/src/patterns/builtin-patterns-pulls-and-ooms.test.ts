import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { rootIs, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, summary } from '../../test/support/engine.js';

const REFUSED = 'Failed: Failed to pull image "harbor.example/insurance/quote:2.5.0": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://harbor.example/service/token: 401 Unauthorized';
const NOT_FOUND = 'Failed: Failed to pull image "harbor.example/insurance/quote:2.5.0": not found';

describe('pull-secret-broken', () => {
  /** The registry robot's Secret rotated; ten minutes later a release's new pod pulls with it. */
  function rotationThenRelease(message: string) {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1', 'node-2');
    const quote = cluster.workload('insurance', 'quote', { replicas: 2, secrets: ['harbor-robot'] });
    const robot = cluster.ref('Secret', 'harbor-robot', 'insurance');
    cluster.advance(300);
    cluster.editConfig(robot, '.dockerconfigjson');
    cluster.advance(600);
    const fresh = cluster.rollout(quote, 'containers[quote].image harbor.example/insurance/quote:2.4.0 -> 2.5.0', 1, ['spec.template.spec.containers[quote].image']);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      cluster.advance(20);
      cluster.signal('image_pull_failed', fresh[0] as EntityRef, { message });
    }
    cluster.advance(30);
    return { insights: analyze(cluster.events), quote, robot };
  }

  it('the registry refusing the credentials after the pull Secret changed: the Secret, with the release folded in', () => {
    const { insights, robot } = rotationThenRelease(REFUSED);
    expect(insights[0]?.pattern, summary(insights)).toBe('pull-secret-broken');
    expect(rootIs(insights[0], robot), summary(insights)).toBe(true);
  });

  it('near miss: a tag that does not exist is the release’s, whatever the Secret did before', () => {
    const { insights, quote } = rotationThenRelease(NOT_FOUND);
    expect(withPattern(insights, 'pull-secret-broken'), summary(insights)).toEqual([]);
    expect(rootIs(insights[0], quote.ref), summary(insights)).toBe(true);
  });
});

describe('oom-kills-repeated', () => {
  function ooms(kills: number, spacingSeconds: number) {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1', 'node-2', 'node-3');
    const pricing = cluster.workload('pricing', 'pricing-engine', { replicas: 3 });
    cluster.advance(3_600);
    for (let kill = 0; kill < kills; kill += 1) {
      const pod = pricing.pods[kill % pricing.pods.length] as EntityRef;
      cluster.oomKill(pod, 1);
      cluster.restart(pod, 1, 'OOMKilled', 137);
      cluster.advance(30);
      cluster.signal('pod_ready', pod);
      cluster.advance(spacingSeconds - 30);
    }
    return { insights: analyze(cluster.events), pricing };
  }

  it('three pods of one workload OOM-killed within half an hour, no crash loop, no release near: the workload', () => {
    const { insights, pricing } = ooms(3, 240);
    expect(insights[0]?.pattern, summary(insights)).toBe('oom-kills-repeated');
    expect(rootIs(insights[0], pricing.ref), summary(insights)).toBe(true);
  });

  it('near miss: two kills, or kills spread over hours, are not (yet) a pattern', () => {
    expect(withPattern(ooms(2, 240).insights, 'oom-kills-repeated')).toEqual([]);
    expect(withPattern(ooms(3, 1_500).insights, 'oom-kills-repeated')).toEqual([]);
  });
});

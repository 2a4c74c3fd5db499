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

describe('limit-range-default-oom', () => {
  /** A LimitRange with a small default memory limit, then a release whose new pods get it; `defaulted`: admission noted it on them. */
  function defaultThenRelease(defaulted: boolean) {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1', 'node-2');
    const renderer = cluster.workload('content', 'renderer', { replicas: 2 });
    cluster.advance(300);
    cluster.object('resource_created', { kind: 'LimitRange', name: 'content-defaults', namespace: 'content', uid: 'lr-1', creationTimestamp: '2026-03-02T10:05:00Z' }, 'LimitRange content/content-defaults exists');
    cluster.advance(600);
    const fresh = cluster.rollout(renderer, 'containers[renderer].image renderer:0.14 -> renderer:0.15', 2, ['spec.template.spec.containers[renderer].image']);
    for (let kill = 1; kill <= 3; kill += 1) {
      cluster.advance(20);
      for (const pod of fresh) {
        const message = `Container renderer of pod content/${pod.name} was OOMKilled (exit 137), memory limit 128Mi`;
        cluster.signal('oom_killed', pod, { message, kubernetes: { container: 'renderer', reason: 'OOMKilled', exitCode: 137, restartCount: kill }, ...(defaulted ? { annotations: { 'cause.kind': 'LimitRange', 'memory.limit_from': 'LimitRange' } } : {}) });
        cluster.crashLoop(pod, kill);
      }
    }
    cluster.advance(60);
    return { insights: analyze(cluster.events), renderer };
  }

  it('pods killed at the limit their namespace’s default gave them: the LimitRange, not the release that made the pods', () => {
    const { insights } = defaultThenRelease(true);
    expect(insights[0]?.pattern, summary(insights)).toBe('limit-range-default-oom');
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'LimitRange', name: 'content-defaults' });
  });

  it('near miss: a limit of the pod spec’s own is the release’s', () => {
    const { insights, renderer } = defaultThenRelease(false);
    expect(withPattern(insights, 'limit-range-default-oom')).toEqual([]);
    expect(rootIs(insights[0], renderer.ref), summary(insights)).toBe(true);
  });
});

describe('kills the kernel made for the node (SystemOOM)', () => {
  /** A search app and a renderer on node-1; the renderer scaled 2 → 6 onto it; `system`: each kill comes with the node's SystemOOM. */
  function overcommit(system: boolean) {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1', 'node-2');
    const search = cluster.workload('storefront', 'product-search', { replicas: 1, nodes: ['node-1'] });
    const renderer = cluster.workload('orders', 'invoice-renderer', { replicas: 2, nodes: ['node-1'] });
    cluster.advance(600);
    cluster.scale(renderer, 6);
    cluster.advance(180);
    for (let kill = 1; kill <= 3; kill += 1) {
      if (system) cluster.signal('oom_killed', cluster.ref('Node', 'node-1'), { message: 'SystemOOM: System OOM encountered, victim process: java, pid: 21139' });
      cluster.oomKill(search.pods[0] as EntityRef, kill);
      cluster.advance(40);
    }
    cluster.nodeCondition('node-1', 'memory_pressure', 'MemoryPressure');
    const evicted = cluster.evict(renderer.pods[3] as EntityRef, 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 70Mi. Container invoice-renderer was using 4270424Ki, request is 0, has larger consumption of memory. ');
    evicted.annotations = { 'eviction.resource': 'memory', 'memory.usage_bytes': String(4_270_424 * 1024), 'memory.request_bytes': '0' };
    cluster.advance(60);
    return { insights: analyze(cluster.events), search, renderer };
  }

  it('a container killed with its node’s SystemOOM is a victim: the node’s consumer, the workload that grew there', () => {
    const { insights, renderer } = overcommit(true);
    expect(rootIs(insights[0], renderer.ref), summary(insights)).toBe(true);
  });

  it('near miss: kills at the container’s own limit (no SystemOOM) stay its own', () => {
    const { insights, search } = overcommit(false);
    expect(rootIs(insights[0], search.ref), summary(insights)).toBe(true);
  });
});

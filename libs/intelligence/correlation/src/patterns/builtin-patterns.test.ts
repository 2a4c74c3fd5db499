import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture, type Workload } from '../../test/support/cluster-fixture.js';
import { shop } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, builtinPatterns, loud, summary } from '../../test/support/engine.js';

describe('built-in patterns', () => {
  it('all load and are enabled', () => {
    const names = builtinPatterns().map((pattern) => pattern.metadata.name).sort();
    expect(names).toEqual([
      'admission-refused',
      'api-kind-missing',
      'bad-rollout',
      'capacity-policy-change',
      'capacity-taken',
      'claim-deleted-in-use',
      'config-cascade',
      'config-drift',
      'crash-loop-death-spiral',
      'cronjob-regression',
      'disruption-budget-violated',
      'dns-black-hole',
      'drain-unplaceable',
      'etcd-leader-flapping',
      'etcd-write-outage',
      'hpa-maxed-out',
      'hpa-maxed-out-late',
      'ingress-backend-unavailable',
      'job-backoff-exceeded',
      'limit-range-default-oom',
      'liveness-death-spiral',
      'memory-leak-oom',
      'memory-limit-approaching',
      'network-partition',
      'new-job-cannot-start',
      'new-workload-cannot-start',
      'node-disk-pressure',
      'node-failure',
      'node-labels-block-pods',
      'node-memory-pressure',
      'node-pid-pressure',
      'node-taint-blocks-pods',
      'noisy-neighbour',
      'oom-cascade',
      'oom-kills-repeated',
      'permission-revoked',
      'planned-maintenance',
      'pod-ip-exhaustion',
      'preemption',
      'preemption-starves',
      'pull-credentials-removed',
      'pull-secret-broken',
      'pvc-deadlock',
      'rollout-never-ready',
      'rollout-pods-cannot-start',
      'rollout-regression',
      'runtime-restart',
      'scheduler-thrash',
      'service-without-endpoints',
      'stalled-rollout',
      'storage-limit-eviction',
      'volume-full',
      'workload-deleted-service-empty',
      'workload-scaled-to-zero',
    ]);
  });
});

describe('routine activity never becomes an incident', () => {
  const cases: Array<[string, (cluster: ClusterFixture, apps: { checkout: Workload; cart: Workload; config: EntityRef; unused: EntityRef }) => void]> = [
    ['a single transient readiness probe failure', (cluster, { cart }) => void cluster.probeFailure(cart.pods[0] as EntityRef, 'Readiness')],
    [
      'a routine rollout',
      (cluster, { checkout }) => {
        const old = [...checkout.pods];
        for (const [index, pod] of cluster.rollout(checkout, 'containers[checkout].image 2.14 -> 2.15').entries()) {
          cluster.advance(15);
          cluster.signal('pod_ready', pod);
          cluster.retire(old[index] as EntityRef);
        }
      },
    ],
    ['a scale-up', (cluster, { cart }) => void cluster.scale(cart, 6)],
    [
      'a node drain',
      (cluster, { checkout, cart }) => {
        cluster.signal('node_spec_changed', cluster.ref('Node', 'node-1'), { message: 'Node node-1 changed: unschedulable false -> true' });
        for (const pod of [checkout.pods[0], cart.pods[0]]) cluster.retire(pod as EntityRef);
      },
    ],
    ['a ConfigMap change nobody uses', (cluster, { unused }) => void cluster.editConfig(unused, 'flags.json')],
    [
      'a ConfigMap change rolled out successfully',
      (cluster, { checkout, config }) => {
        cluster.editConfig(config);
        cluster.advance(60);
        const old = [...checkout.pods];
        for (const [index, pod] of cluster.rollout(checkout).entries()) {
          cluster.advance(15);
          cluster.signal('pod_ready', pod);
          cluster.retire(old[index] as EntityRef);
        }
      },
    ],
    [
      'restarts spread over hours',
      (cluster, { cart }) => {
        for (let restart = 1; restart <= 4; restart += 1) {
          cluster.restart(cart.pods[restart % 2] as EntityRef, restart);
          cluster.advance(50 * 60);
        }
      },
    ],
  ];
  for (const [name, act] of cases) {
    it(name, () => {
      const { cluster, checkout, cart, config, unused } = shop();
      act(cluster, { checkout, cart, config, unused });
      cluster.advance(600);
      const insights = analyze(cluster.events);
      expect(loud(insights), summary(insights)).toEqual([]);
    });
  }
});

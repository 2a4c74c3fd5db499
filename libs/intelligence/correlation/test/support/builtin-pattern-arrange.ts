import type { EntityRef, Insight } from '@tapio/domain';
import { ClusterFixture } from './cluster-fixture.js';

// Arrange helpers shared by the built-in pattern tests (src/patterns/builtin-patterns*.test.ts).
export const NODES = ['node-1', 'node-2', 'node-3'];

/** A small shop: nodes, a checkout Deployment mounting its ConfigMap behind a Service and Ingress, and a cart Deployment. */
export function shop(options: { checkoutNodes?: string[] } = {}) {
  const cluster = new ClusterFixture();
  cluster.nodes(...NODES);
  const config = cluster.configMap('shop', 'checkout-config');
  const unused = cluster.configMap('shop', 'legacy-flags');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 3, configMaps: ['checkout-config'], nodes: options.checkoutNodes ?? NODES });
  cluster.service(checkout, 'shop-ingress');
  const cart = cluster.workload('shop', 'cart', { replicas: 2 });
  cluster.service(cart);
  cluster.advance(60);
  return { cluster, config, unused, checkout, cart };
}

/** A cluster of NODES to which `build` adds what a test needs; it then runs quietly for `settleSeconds` before the test acts. */
export function arrange<T extends object>(build: (cluster: ClusterFixture) => T, settleSeconds = 60): T & { cluster: ClusterFixture } {
  const cluster = new ClusterFixture();
  cluster.nodes(...NODES);
  const built = build(cluster);
  cluster.advance(settleSeconds);
  return { ...built, cluster };
}

/** `times` rounds of `act(round)` (rounds count from 1), each followed by `gapSeconds` of cluster time. */
export function repeat(cluster: ClusterFixture, times: number, gapSeconds: number, act: (round: number) => void): void {
  for (let round = 1; round <= times; round += 1) {
    act(round);
    cluster.advance(gapSeconds);
  }
}

export const withPattern = (insights: Insight[], pattern: string) => insights.filter((insight) => insight.pattern === pattern);
export const rootIs = (insight: Insight | undefined, ref: EntityRef) =>
  insight !== undefined && insight.rootCause.entity.kind === ref.kind && insight.rootCause.entity.name === ref.name && (insight.rootCause.entity.namespace ?? null) === (ref.namespace ?? null);

export function crashNewPods(cluster: ClusterFixture, pods: EntityRef[], rounds: number, gapSeconds = 30): void {
  for (let round = 1; round <= rounds; round += 1) {
    for (const pod of pods) {
      cluster.restart(pod, round);
      cluster.advance(2);
      cluster.crashLoop(pod, round);
    }
    cluster.advance(gapSeconds);
  }
}

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

import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { analyze, loud, summary } from '../../../test/support/engine.js';

const INJECTED = { 'container.injected': 'true', 'container.injectors': 'mesh-system/injector' };

/**
 * A sidecar injector (Deployment injector behind Service mesh-system/injector) released; ten
 * minutes on, checkout's routine release makes pods whose injected proxy crash-loops (`note`:
 * the annotations the transformer put on the proxy's failures).
 */
function injectorReleasedThenRollout(note: Record<string, string>) {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  const injector = cluster.workload('mesh-system', 'injector', { replicas: 2 });
  cluster.service(injector);
  const checkout = cluster.workload('shop', 'checkout', { replicas: 2 });
  cluster.advance(600);
  const upgraded = cluster.rollout(injector, 'spec.containers[injector].image injector:1.21 -> injector:1.22', 2, ['spec.template.spec.containers[injector].image']);
  for (const pod of upgraded) cluster.signal('pod_ready', pod);
  cluster.advance(600);
  const fresh = cluster.rollout(checkout, 'spec.containers[checkout].image checkout:5.14 -> checkout:5.15', 2, ['spec.template.spec.containers[checkout].image']);
  for (let restarts = 1; restarts <= 5; restarts += 1) {
    cluster.advance(30 * restarts);
    for (const pod of fresh) {
      const message = `Container istio-proxy of pod ${pod.namespace}/${pod.name}`;
      cluster.signal('pod_restart', pod as EntityRef, { message: `${message} restarted (${restarts} restarts, last exit: Error code 255)`, kubernetes: { container: 'istio-proxy', restartCount: restarts, restartDelta: 1, reason: 'Error', exitCode: 255 }, annotations: note });
      cluster.signal('crash_loop', pod as EntityRef, { message: `${message} is in CrashLoopBackOff (${restarts} restarts)`, kubernetes: { container: 'istio-proxy', reason: 'CrashLoopBackOff', restartCount: restarts }, annotations: note });
    }
  }
  cluster.advance(300);
  return loud(analyze(cluster.events));
}

describe('an injected container that fails', () => {
  it('is the injector’s release, before the rollout that only received the injection', () => {
    const insights = injectorReleasedThenRollout(INJECTED);
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'Deployment', name: 'injector' });
  });

  it('near miss: the same failures of a container the template names are the rollout’s', () => {
    const insights = injectorReleasedThenRollout({});
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'Deployment', name: 'checkout' });
  });
});

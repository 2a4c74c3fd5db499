import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../../test/support/cluster-fixture.js';
import { analyze, summary } from '../../../test/support/engine.js';

const SANDBOX = 'FailedCreatePodSandBox: Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "814d37b3": plugin type="calico" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized';

/** A CNI DaemonSet released; on node-1 its new pod crash-loops (`agentFails`); new pods there cannot get their network. */
function cniRelease(agentFails: boolean) {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  const calico = cluster.workload('kube-system', 'calico-node', { replicas: 2, kind: 'DaemonSet', nodes: ['node-1', 'node-2'] });
  const web = cluster.workload('shop', 'web', { replicas: 2, nodes: ['node-1'] });
  cluster.advance(900);
  const fresh = cluster.rollout(calico, 'spec.containers[calico-node].image calico/node:v3.27.3 -> v3.28.0', 2, ['spec.template.spec.containers[calico-node].image']);
  cluster.advance(180);
  if (agentFails) for (let restart = 1; restart <= 3; restart += 1) {
    cluster.crashLoop(fresh[0] as EntityRef, restart);
    cluster.advance(30);
  }
  const placed = cluster.scale(web, 4);
  for (let attempt = 0; attempt < 4; attempt += 1) {
    for (const pod of placed) cluster.signal('cni_error', pod, { message: SANDBOX });
    cluster.advance(15);
  }
  cluster.advance(60);
  return { insights: analyze(cluster.events), calico };
}

describe('sandbox network failures behind a failing network agent', () => {
  it('new pods of a node without a network, its CNI agent crash-looping after a release: the agent’s DaemonSet', () => {
    const { insights, calico } = cniRelease(true);
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'DaemonSet', name: calico.name });
  });

  it('near miss: with the agent running, the node’s network is what broke', () => {
    const { insights } = cniRelease(false);
    expect(insights[0]?.rootCause.entity, summary(insights)).toMatchObject({ kind: 'Node', name: 'node-1' });
  });
});

import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { staleReport } from './stale-report.js';
import { WorkingState } from './working-state.js';

/** A Kubernetes Event as listed or watched: reported now, last happened `agoSeconds` before. */
function listedEvent(cluster: ClusterFixture, type: 'node_not_ready' | 'crash_loop', kind: string, name: string, reason: string, agoSeconds: number) {
  const last = new Date(Date.parse(cluster.now) - agoSeconds * 1000).toISOString().replace('.000Z', 'Z');
  return cluster.signal(type, cluster.ref(kind, name, kind === 'Node' ? null : 'shop'), {
    message: `${reason}: reported`,
    kubernetes: { eventReason: reason, eventType: 'Warning', count: 1, firstTimestamp: last, lastTimestamp: last },
  });
}

function stateOf(cluster: ClusterFixture): WorkingState {
  const state = new WorkingState();
  for (const event of cluster.events) state.add(event);
  return state;
}

describe('staleReport', () => {
  it('takes an Event last seen long before it was reported for history', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const state = stateOf(cluster);
    cluster.advance(600);
    expect(staleReport(listedEvent(cluster, 'crash_loop', 'Pod', 'api-1', 'BackOff', 7 * 60), state)).toMatch(/7 minutes before it was seen/);
  });

  it('keeps a recent Event, and a crash loop whose back-off is at its longest (5 minutes)', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const state = stateOf(cluster);
    cluster.advance(600);
    expect(staleReport(listedEvent(cluster, 'crash_loop', 'Pod', 'api-1', 'BackOff', 2), state)).toBeUndefined();
    expect(staleReport(listedEvent(cluster, 'crash_loop', 'Pod', 'api-1', 'BackOff', 5 * 60), state)).toBeUndefined();
  });

  it('judges a recent NodeNotReady by the Node’s current condition', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const readyNow = stateOf(cluster);
    cluster.advance(600);
    const report = listedEvent(cluster, 'node_not_ready', 'Node', 'node-1', 'NodeNotReady', 3 * 60);
    expect(staleReport(report, readyNow)).toMatch(/Node node-1 now has Ready=True/);

    const down = new ClusterFixture();
    down.object('resource_created', { kind: 'Node', name: 'node-1', uid: 'n1', conditions: { Ready: 'False' } }, 'Node node-1 exists');
    const stillDown = stateOf(down);
    down.advance(600);
    expect(staleReport(listedEvent(down, 'node_not_ready', 'Node', 'node-1', 'NodeNotReady', 3 * 60), stillDown)).toBeUndefined();
  });

  it('one rule: an old report whose object still shows it is current; time decides only when the state is unknown', () => {
    const down = new ClusterFixture();
    down.object('resource_created', { kind: 'Node', name: 'node-1', uid: 'n1', conditions: { Ready: 'False' } }, 'Node node-1 exists');
    const stillDown = stateOf(down);
    down.advance(3600);
    // Listed 40 minutes after it last happened, but the Node is still NotReady: evidence, not history.
    expect(staleReport(listedEvent(down, 'node_not_ready', 'Node', 'node-1', 'NodeNotReady', 40 * 60), stillDown)).toBeUndefined();
    // A Node Tapio knows nothing of: time decides.
    expect(staleReport(listedEvent(down, 'node_not_ready', 'Node', 'node-9', 'NodeNotReady', 40 * 60), stillDown)).toMatch(/40 minutes before it was seen/);
  });

  it('a recent report about a pod that is Ready now is history', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const api = cluster.workload('shop', 'api', { replicas: 1, nodes: ['node-1'] });
    const state = stateOf(cluster);
    cluster.advance(120);
    const pod = api.pods[0]!;
    const last = new Date(Date.parse(cluster.now) - 60_000).toISOString().replace('.000Z', 'Z');
    const report = cluster.signal('probe_failed', pod, { message: 'Unhealthy: Readiness probe failed', kubernetes: { eventReason: 'Unhealthy', eventType: 'Warning', count: 1, firstTimestamp: last, lastTimestamp: last } });
    expect(staleReport(report, state)).toMatch(/the pod is Ready now/);
  });

  it('never judges derived signals (no Kubernetes Event behind them)', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const state = stateOf(cluster);
    cluster.advance(600);
    expect(staleReport(cluster.nodeCondition('node-1', 'node_not_ready', 'Ready', 'False'), state)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture, type Workload } from '../../../test/support/cluster-fixture.js';
import { edgesFor, fromTo } from '../../../test/support/correlate.js';
import { OwnershipCorrelator } from './ownership-correlator.js';

const correlator = new OwnershipCorrelator();

/**
 * The step most of these tests share: `workload` scaled to `replicas`, its new pod reported
 * unschedulable (with the scheduler's `message`), and the edges the correlator gives that report.
 */
function unschedulableReplacement(fixture: ClusterFixture, workload: Workload, replicas: number, message?: string) {
  const [replacement] = fixture.scale(workload, replicas);
  const pending = fixture.signal('pod_unschedulable', replacement as EntityRef, message ? { message } : {});
  return { pending, edges: edgesFor(correlator, fixture.events, pending) };
}

describe('OwnershipCorrelator', () => {
  it('a failure of a pod the rollout created was CAUSED by the rollout', () => {
    const fixture = new ClusterFixture();
    fixture.nodes('node-1');
    const app = fixture.workload('shop', 'checkout', { replicas: 1, nodes: ['node-1'] });
    fixture.advance(60);
    const mark = fixture.events.length;
    const [fresh] = fixture.rollout(app);
    const rollout = fixture.since(mark).find((event) => event.type === 'workload_spec_changed')!;
    fixture.advance(20);
    const crash = fixture.crashLoop(fresh as EntityRef, 1);
    const edges = edgesFor(correlator, fixture.events, crash);
    expect(fromTo(edges)).toEqual([`CAUSED ${rollout.id} -> ${crash.id}`]);
    expect(edges[0]?.reason).toContain('rollout of Deployment checkout');
  });

  it('a pod the rollout created, evicted for breaking its own storage limit, was CAUSED by the rollout; a node-pressure eviction was not', () => {
    const fixture = new ClusterFixture();
    fixture.nodes('node-1');
    const app = fixture.workload('batch', 'spooler', { replicas: 2, nodes: ['node-1'] });
    fixture.advance(60);
    const mark = fixture.events.length;
    const [first, second] = fixture.rollout(app);
    const rollout = fixture.since(mark).find((event) => event.type === 'workload_spec_changed')!;
    fixture.advance(40);
    const own = fixture.signal('pod_evicted', first as EntityRef, { message: 'Evicted: Usage of EmptyDir volume "spool" exceeds the limit "8Mi".', annotations: { 'eviction.limit': 'emptyDir' } });
    const pressure = fixture.signal('pod_evicted', second as EntityRef, { message: 'Evicted: The node was low on resource: ephemeral-storage.' });
    expect(fromTo(edgesFor(correlator, fixture.events, own).filter((edge) => edge.kind === 'CAUSED'))).toEqual([`CAUSED ${rollout.id} -> ${own.id}`]);
    expect(edgesFor(correlator, fixture.events, pressure)).toEqual([]);
  });

  it('a failure of an old pod the rollout did not touch is not blamed on it', () => {
    const fixture = new ClusterFixture();
    fixture.nodes('node-1');
    const app = fixture.workload('shop', 'checkout', { replicas: 1, nodes: ['node-1'] });
    const old = app.pods[0] as EntityRef;
    fixture.advance(60);
    fixture.rollout(app);
    fixture.advance(20);
    const crash = fixture.restart(old, 1);
    expect(edgesFor(correlator, fixture.events, crash).filter((edge) => edge.kind === 'CAUSED')).toEqual([]);
  });

  it('a Job that gives up was CAUSED by its CronJob\'s template change when the CronJob started it since; an older Job was not', () => {
    const fixture = new ClusterFixture();
    const cronUid = '00000000-0000-4000-8000-00000000c001';
    fixture.object('resource_created', { kind: 'CronJob', name: 'export', namespace: 'billing', uid: cronUid, creationTimestamp: fixture.now }, 'CronJob billing/export exists');
    const owner = [{ kind: 'CronJob', name: 'export', uid: cronUid, controller: true }];
    const job = (name: string, uid: string) => {
      fixture.object('resource_created', { kind: 'Job', name, namespace: 'billing', uid, creationTimestamp: fixture.now, ownerReferences: owner }, `Job billing/${name} exists`);
      return { ...fixture.ref('Job', name, 'billing'), uid };
    };
    fixture.advance(60);
    const older = job('export-1', '00000000-0000-4000-8000-00000000c002');
    fixture.advance(30);
    const change = fixture.signal('workload_spec_changed', { ...fixture.ref('CronJob', 'export', 'billing'), uid: cronUid }, { message: 'CronJob billing/export pod template changed' });
    fixture.advance(30);
    const newer = job('export-2', '00000000-0000-4000-8000-00000000c003');
    fixture.advance(40);
    const olderFailed = fixture.signal('job_failed', older, { message: 'DeadlineExceeded: Job was active longer than specified deadline' });
    const newerFailed = fixture.signal('job_failed', newer, { message: 'BackoffLimitExceeded: Job has reached the specified backoff limit' });
    expect(edgesFor(correlator, fixture.events, olderFailed)).toEqual([]);
    const edges = edgesFor(correlator, fixture.events, newerFailed);
    expect(fromTo(edges)).toEqual([`CAUSED ${change.id} -> ${newerFailed.id}`]);
    expect(edges[0]?.reason).toContain('Job created by the rollout of CronJob export');
  });

  it('sibling failures roll up: a later pod failure is CORRELATED_WITH the first failure in the family', () => {
    const fixture = new ClusterFixture();
    fixture.nodes('node-1', 'node-2');
    const app = fixture.workload('shop', 'cart', { replicas: 3 });
    const other = fixture.workload('shop', 'search', { replicas: 1 });
    fixture.advance(60);
    const first = fixture.restart(app.pods[0] as EntityRef, 1);
    fixture.restart(other.pods[0] as EntityRef, 1);
    fixture.advance(30);
    const second = fixture.restart(app.pods[2] as EntityRef, 1);
    expect(fromTo(edgesFor(correlator, fixture.events, second))).toEqual([`CORRELATED_WITH ${first.id} -> ${second.id}`]);
  });

  it('non-failures and unowned entities get no edges', () => {
    const fixture = new ClusterFixture();
    fixture.nodes('node-1');
    const app = fixture.workload('shop', 'cart', { replicas: 2, nodes: ['node-1'] });
    const ready = fixture.signal('pod_ready', app.pods[0] as EntityRef);
    const node = fixture.nodeCondition('node-1', 'node_not_ready', 'Ready', 'False');
    expect(edgesFor(correlator, fixture.events, ready)).toEqual([]);
    expect(edgesFor(correlator, fixture.events, node)).toEqual([]);
  });
});

describe('OwnershipCorrelator: preempted pods and their replacements', () => {
  function preempted() {
    const fixture = new ClusterFixture();
    fixture.nodes('node-1', 'node-2');
    const victim = fixture.workload('shop', 'reindex', { replicas: 2, nodes: ['node-1'] });
    const preemptor = fixture.workload('shop', 'ingest', { replicas: 1, nodes: ['node-1'] });
    fixture.advance(30);
    return { fixture, victim, preemptor };
  }

  it('a replacement that cannot be scheduled after its family lost a pod to preemption was CAUSED by the preemption', () => {
    const { fixture, victim, preemptor } = preempted();
    const preemption = fixture.signal('pod_preempted', victim.pods[0] as EntityRef, { annotations: { 'cause.kind': 'Pod', 'cause.name': preemptor.pods[0]!.name, 'cause.namespace': 'shop' } });
    fixture.advance(2);
    const { pending, edges } = unschedulableReplacement(fixture, victim, 3, '0/2 nodes are available: 2 Insufficient cpu.');
    expect(fromTo(edges)).toEqual([`CAUSED ${preemption.id} -> ${pending.id}`]);
    expect(edges[0]?.reason).toContain('preempted 2s earlier');
  });

  it('links replacements reported before the Preempted Event of the same second, never earlier ones', () => {
    const { fixture, victim } = preempted();
    const [early] = fixture.scale(victim, 3);
    const before = fixture.signal('pod_unschedulable', early as EntityRef);
    fixture.advance(5);
    const [replacement] = fixture.scale(victim, 4);
    const sameSecond = fixture.signal('pod_unschedulable', replacement as EntityRef);
    const preemption = fixture.signal('pod_preempted', victim.pods[0] as EntityRef);
    expect(fromTo(edgesFor(correlator, fixture.events, preemption))).toEqual([`CAUSED ${preemption.id} -> ${sameSecond.id}`]);
    expect(before.id).not.toBe(sameSecond.id);
  });

  it('another workload that cannot be scheduled is not blamed on the preemption', () => {
    const { fixture, victim, preemptor } = preempted();
    fixture.signal('pod_preempted', victim.pods[0] as EntityRef);
    fixture.advance(2);
    expect(unschedulableReplacement(fixture, preemptor, 2).edges).toEqual([]);
  });
});

describe('OwnershipCorrelator: replacements of pods the kubelet evicted for node pressure', () => {
  function evicted(usage?: string, annotations: Record<string, string> = usage ? { 'memory.usage_bytes': usage } : {}) {
    const fixture = new ClusterFixture();
    fixture.nodes('node-1');
    const batch = fixture.workload('shop', 'thumbnails', { replicas: 2, nodes: ['node-1'] });
    const other = fixture.workload('shop', 'web', { replicas: 1, nodes: ['node-1'] });
    fixture.advance(30);
    const eviction = fixture.evict(batch.pods[0] as EntityRef);
    if (Object.keys(annotations).length > 0) eviction.annotations = annotations;
    fixture.advance(3);
    return { fixture, batch, other, eviction };
  }

  it('a replacement left unscheduled on the tainted node was CAUSED by its family\'s eviction', () => {
    const { fixture, batch, eviction } = evicted('274432');
    const { pending, edges } = unschedulableReplacement(fixture, batch, 3, '0/1 nodes are available: 1 node(s) had untolerated taint(s).');
    expect(fromTo(edges)).toEqual([`CAUSED ${eviction.id} -> ${pending.id}`]);
    expect(edges[0]?.reason).toContain('evicted for memory 3s earlier');
  });

  it('so was one whose family the kubelet evicted for ephemeral storage under disk pressure', () => {
    const { fixture, batch, eviction } = evicted(undefined, { 'eviction.resource': 'ephemeral-storage', 'storage.usage_bytes': '274432', 'storage.request_bytes': '0' });
    const { pending, edges } = unschedulableReplacement(fixture, batch, 3, '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }.');
    expect(fromTo(edges)).toEqual([`CAUSED ${eviction.id} -> ${pending.id}`]);
    expect(edges[0]?.reason).toContain('evicted for ephemeral storage 3s earlier');
    expect(edges[0]?.reason).toContain('until its disk pressure ends');
  });

  it('neither an eviction without the kubelet\'s memory figures nor another workload\'s pod is linked', () => {
    const plain = evicted();
    expect(unschedulableReplacement(plain.fixture, plain.batch, 3).edges).toEqual([]);
    const { fixture, other } = evicted('274432');
    expect(unschedulableReplacement(fixture, other, 2).edges).toEqual([]);
  });
});

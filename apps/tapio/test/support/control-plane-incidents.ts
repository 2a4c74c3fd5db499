import { createHash } from 'node:crypto';
import type { ExpectedEntity, K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';
import { activeReplicaSet, runPod, scaleDeployment } from './capacity-incidents.js';
import { nodeLocalLine } from './node-local-lines.js';

type Json = Record<string, unknown>;
const spec = (object: K8sObject) => object['spec'] as Json;

/** Stacked etcd: one member on each of the recording's nodes, named after the node (as kubeadm names them), its collector beside it. */
interface Etcd {
  cluster: string;
  members: Array<{ id: string; name: string; endpoint: string }>;
}

const MIB = 1024 * 1024;

function stackedEtcd(editor: RecordingEditor, seed: string): Etcd {
  const nodes = editor.find('Node', () => true).map((node) => node.metadata.name).sort();
  const members = nodes.map((name) => ({ id: createHash('sha256').update(`${seed}:${name}`).digest('hex').slice(0, 16), name, endpoint: `https://${name}:2379` }));
  return { cluster: `${String(editor.lines[0]?.metadata['cluster'] ?? 'kubernetes')}-etcd`, members };
}

/** A line of the etcd collector running on `member`'s node. */
function etcdLine(editor: RecordingEditor, etcd: Etcd, on: Etcd['members'][number], type: string, data: Json): void {
  editor.lines.push(nodeLocalLine(editor, 'etcd', type, on.name, { node: on.name, cluster: etcd.cluster, ...data }));
}

const member = (etcd: Etcd, index: number) => etcd.members[index % etcd.members.length] as Etcd['members'][number];
const entities = (etcd: Etcd): ExpectedEntity[] => [{ kind: 'EtcdCluster', namespace: null, name: etcd.cluster }, ...etcd.members.map((item) => ({ kind: 'EtcdMember', namespace: null, name: item.name }))];

/** The ReplicaSet controller's FailedCreate, retried with its back-off (the same Event counted up while the message stays). */
function createsFail(editor: RecordingEditor, set: K8sObject, messages: readonly string[], rounds: number): void {
  for (let round = 0; round < rounds; round += 1) {
    editor.event(set, 'FailedCreate', `Error creating: ${messages[round % messages.length] as string}`, { type: 'Warning', component: 'replicaset-controller' });
    editor.advance(Math.min(2 ** round, 60));
  }
}

/**
 * etcd stops taking writes and the control plane's creates fail. `nospace`: the database grows
 * past its quota (the collector's db_quota warnings), the NOSPACE alarm is raised, then a pod of
 * `deployment` is deleted (etcd still takes deletes) and its ReplicaSet cannot create the
 * replacement ("etcdserver: mvcc: database space exceeded"). `quorum`: two of the three members
 * become unreachable and the CronJob's next Job cannot be created ("etcdserver: request timed
 * out"). The cluster keeps Events in a separate etcd (--etcd-servers-overrides), so the
 * controllers' FailedCreate Events still reach the watch. Root: etcd (the cluster or a member).
 */
export function etcdWriteOutage(recording: readonly RecordedLine[], namespace: string, deployment: string, options: { cause: 'nospace' | 'quorum'; cronJob?: string; seed?: string }): SyntheticIncident {
  const seed = options.seed ?? `etcd-${options.cause}`;
  const editor = new RecordingEditor(recording, seed);
  const etcd = stackedEtcd(editor, seed);
  editor.advance(90);
  if (options.cause === 'nospace') {
    const quota = 2048 * MIB;
    etcd.members.forEach((item, index) => {
      const size = Math.round(quota * (0.91 + index * 0.01));
      etcdLine(editor, etcd, item, 'db_quota', { member: item, dbSizeBytes: size, quotaBytes: quota, ratio: size / quota });
      editor.advance(4);
    });
    editor.advance(70);
    etcdLine(editor, etcd, member(etcd, 0), 'alarm_raised', { member: member(etcd, 0), alarm: 'NOSPACE' });
    editor.advance(25);
    const [victim] = editor.podsOf(namespace, deployment);
    if (!victim) throw new Error(`no pod of ${namespace}/${deployment}`);
    editor.event(victim, 'Killing', `Stopping container ${deployment}`, { fieldPath: `spec.containers{${deployment}}` });
    editor.delete('Pod', namespace, victim.metadata.name);
    editor.advance(1);
    createsFail(editor, activeReplicaSet(editor, namespace, deployment), ['etcdserver: mvcc: database space exceeded'], 8);
  } else {
    etcdLine(editor, etcd, member(etcd, 0), 'member_unreachable', { member: member(etcd, 1), reason: `dial tcp ${member(etcd, 1).name}:2379: i/o timeout` });
    editor.advance(6);
    etcdLine(editor, etcd, member(etcd, 0), 'member_unreachable', { member: member(etcd, 2), reason: `dial tcp ${member(etcd, 2).name}:2379: connect: no route to host` });
    editor.advance(40);
    const cron = editor.get('CronJob', namespace, options.cronJob ?? 'sitemap-builder');
    for (let round = 0; round < 4; round += 1) {
      editor.event(cron, 'FailedCreate', 'Error creating job: etcdserver: request timed out', { type: 'Warning', component: 'cronjob-controller' });
      editor.advance(30);
    }
    createsFail(editor, activeReplicaSet(editor, namespace, deployment), ['etcdserver: request timed out', 'Timeout: request did not complete within requested timeout - context deadline exceeded'], 5);
  }
  editor.advance(60);
  return { lines: editor.lines, accept: entities(etcd) };
}

/**
 * A member's disk slows (the collector's slow_disk: WAL fsync p99 far over its threshold) and
 * the members re-elect a leader again and again; a scale-up of `deployment` in between gets
 * its ReplicaSet's creates refused ("etcdserver: leader changed", "request timed out").
 * `elections` leader changes within a few minutes. Root: the etcd cluster.
 */
export function etcdLeaderFlapping(recording: readonly RecordedLine[], namespace: string, deployment: string, options: { elections?: number; seed?: string } = {}): SyntheticIncident {
  const seed = options.seed ?? 'etcd-flap';
  const editor = new RecordingEditor(recording, seed);
  const etcd = stackedEtcd(editor, seed);
  const slow = member(etcd, 2);
  editor.advance(80);
  etcdLine(editor, etcd, slow, 'slow_disk', { member: slow, operation: 'wal_fsync', p99Ms: 870, observations: 412, thresholdMs: 100 });
  editor.advance(20);
  let term = 7;
  for (let change = 0; change < (options.elections ?? 4); change += 1) {
    const from = member(etcd, change % 2 === 0 ? 2 : 0);
    const to = member(etcd, change % 2 === 0 ? 0 : 2);
    etcdLine(editor, etcd, member(etcd, 1), 'leader_changed', { oldLeader: from, newLeader: to, term: (term += 1) });
    editor.advance(45 + 10 * change);
    if (change === 2) {
      const set = scaleDeployment(editor, namespace, deployment, editor.podsOf(namespace, deployment).length + 2);
      editor.advance(1);
      createsFail(editor, set, ['etcdserver: leader changed', 'etcdserver: request timed out'], 4);
    }
  }
  etcdLine(editor, etcd, slow, 'slow_apply', { member: slow, slowApplies: 57 });
  editor.advance(90);
  return { lines: editor.lines, accept: entities(etcd) };
}

/**
 * Benign etcd routine: `upgrade` restarts the members one by one (each unreachable for seconds,
 * one leader change when the leader's turn comes), then the API server keeps working;
 * `maintenance` sees the database near its quota, compacts and defragments it. A Deployment is
 * scaled up meanwhile and its pods are created.
 */
export function etcdRoutine(recording: readonly RecordedLine[], namespace: string, deployment: string, mode: 'upgrade' | 'maintenance' | 'restart', seed = `etcd-${mode}`): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const etcd = stackedEtcd(editor, seed);
  editor.advance(100);
  if (mode === 'upgrade') {
    etcd.members.forEach((item, index) => {
      const watcher = member(etcd, index + 1);
      etcdLine(editor, etcd, watcher, 'member_unreachable', { member: item, reason: `dial tcp ${item.name}:2379: connect: connection refused` });
      editor.advance(index === 0 ? 3 : 9);
      if (index === 0) etcdLine(editor, etcd, watcher, 'leader_changed', { oldLeader: item, newLeader: watcher, term: 12 });
      editor.advance(6);
      etcdLine(editor, etcd, watcher, 'member_reachable', { member: item });
      editor.advance(50);
    });
  } else if (mode === 'restart') {
    // The leader's member restarts: one election, and the one create that raced it is retried and succeeds.
    const leader = member(etcd, 0);
    const watcher = member(etcd, 1);
    etcdLine(editor, etcd, watcher, 'member_unreachable', { member: leader, reason: `dial tcp ${leader.name}:2379: connect: connection refused` });
    editor.advance(2);
    etcdLine(editor, etcd, watcher, 'leader_changed', { oldLeader: leader, newLeader: watcher, term: 31 });
    const set = scaleDeployment(editor, namespace, deployment, editor.podsOf(namespace, deployment).length + 1);
    editor.event(set, 'FailedCreate', 'Error creating: etcdserver: leader changed', { type: 'Warning', component: 'replicaset-controller' });
    editor.advance(1);
    runPod(editor, set, String(spec(editor.podsOf(namespace, deployment)[0] as K8sObject)['nodeName']));
    editor.advance(8);
    etcdLine(editor, etcd, watcher, 'member_reachable', { member: leader });
    editor.advance(60);
  } else {
    const quota = 8192 * MIB;
    const size = Math.round(quota * 0.86);
    etcdLine(editor, etcd, member(etcd, 0), 'db_quota', { member: member(etcd, 0), dbSizeBytes: size, quotaBytes: quota, ratio: size / quota });
    editor.advance(120);
    etcdLine(editor, etcd, member(etcd, 0), 'compacted', { member: member(etcd, 0), revision: 48_211_907 });
    editor.advance(10);
    for (const item of etcd.members) {
      etcdLine(editor, etcd, item, 'defragmented', { member: item, dbSizeBefore: size, dbSizeAfter: Math.round(size * 0.31) });
      editor.advance(20);
    }
  }
  const set = scaleDeployment(editor, namespace, deployment, editor.podsOf(namespace, deployment).length + 1);
  editor.advance(1);
  runPod(editor, set, String(spec(editor.podsOf(namespace, deployment)[0] as K8sObject)['nodeName']));
  editor.advance(90);
  return { lines: editor.lines, accept: [] };
}


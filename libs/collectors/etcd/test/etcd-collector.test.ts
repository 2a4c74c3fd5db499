import { CollectingRawEventSink, type RawEvent, type TransformContext } from '@tapio/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { EtcdCluster } from '../../../../tools/etcd/etcd-cluster.mjs';
import { EtcdCollector, EtcdTransformer } from '../src/index.js';

const newSink = () => new CollectingRawEventSink(20_000);

const context: TransformContext = { eventId: (raw, discriminator) => `${raw.type}|${raw.timestamp}|${discriminator}`, processedAt: new Date().toISOString(), cluster: 'test' };
const transform = (raw: RawEvent) => new EtcdTransformer().transform(raw, context);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cluster: EtcdCluster | undefined;
let collector: EtcdCollector | undefined;
afterEach(async () => {
  await collector?.stop();
  await cluster?.stop();
  collector = undefined;
  cluster = undefined;
});

describe('etcd collector on real etcd', () => {
  it('a killed leader of a three-member cluster gives one leader change with the old and new leader, and a degraded health naming it', async () => {
    cluster = await EtcdCluster.start(3);
    const sink = newSink();
    collector = new EtcdCollector({ endpoints: cluster.endpoints, clusterName: 'test-etcd', nodeName: 'cp-1', intervalMs: 100 });
    await collector.start(sink);
    expect(collector.health().status).toBe('ok');
    const leader = await cluster.leader();
    await cluster.kill(leader);
    const change = await sink.waitFor('leader change', (event) => event.type === 'leader_changed');
    await wait(1000); // more polls: still one change
    expect(sink.events.filter((event) => event.type === 'leader_changed')).toHaveLength(1);
    const [event] = transform(change);
    const newLeader = await cluster.leader();
    expect(newLeader.name).not.toBe(leader.name);
    expect(event).toMatchObject({
      type: 'etcd_leader_changed',
      entity: { kind: 'EtcdCluster', name: 'test-etcd' },
      application: { fields: { old_leader: leader.name, new_leader: newLeader.name } },
    });
    expect(event?.message).toMatch(new RegExp(`leader changed from ${leader.name} to ${newLeader.name} \\(term \\d+\\)`));

    const down = await sink.waitFor('member unreachable', (raw) => raw.type === 'member_unreachable');
    expect(transform(down)[0]).toMatchObject({ type: 'etcd_member_down', entity: { kind: 'EtcdMember', name: leader.name } });
    expect(collector.health()).toMatchObject({ status: 'degraded', reason: expect.stringContaining(`etcd member ${leader.name} unreachable at ${cluster.url(leader)}`) });

    await cluster.restart(leader);
    await sink.waitFor('member reachable', (raw) => raw.type === 'member_reachable');
    expect(collector.health().status).toBe('ok');
  });

  it('a member with a tiny quota filled until NOSPACE: quota crossing, the alarm, then compaction, defragmentation and the alarm cleared', async () => {
    cluster = await EtcdCluster.start(1, [`--quota-backend-bytes=${1024 * 1024}`]);
    const member = cluster.members[0]!;
    const sink = newSink();
    collector = new EtcdCollector({ endpoints: cluster.endpoints, clusterName: 'tiny', nodeName: 'cp-1', intervalMs: 100 });
    await collector.start(sink);
    const value = Buffer.alloc(32 * 1024, 'x').toString('base64');
    let revision = 0;
    let refused: string | undefined;
    for (let index = 0; index < 200 && !refused; index++) {
      try {
        const put = await cluster.call(member, '/v3/kv/put', { key: Buffer.from(`key-${index % 4}`).toString('base64'), value });
        revision = Number(put.header.revision);
      } catch (error) {
        refused = (error as Error).message;
      }
    }
    expect(refused).toMatch(/database space exceeded/);
    const quota = await sink.waitFor('quota crossing', (event) => event.type === 'db_quota');
    expect(transform(quota)[0]).toMatchObject({ type: 'etcd_db_quota_high', entity: { kind: 'EtcdMember', name: member.name } });
    const alarm = await sink.waitFor('NOSPACE alarm', (event) => event.type === 'alarm_raised');
    expect(transform(alarm)[0]).toMatchObject({ type: 'etcd_alarm', severity: 'critical', entity: { kind: 'EtcdCluster', name: 'tiny' }, application: { fields: { alarm: 'NOSPACE', member: member.name } } });

    // The documented way out: compact, defragment, disarm.
    await cluster.call(member, '/v3/kv/compaction', { revision, physical: true });
    await cluster.call(member, '/v3/maintenance/defragment', {});
    await cluster.call(member, '/v3/maintenance/alarm', { action: 'DEACTIVATE', memberID: alarm.data && (alarm.data as { member: { id: string } }).member.id, alarm: 'NOSPACE' });
    const compacted = await sink.waitFor('compaction', (event) => event.type === 'compacted');
    expect(transform(compacted)[0]).toMatchObject({ type: 'etcd_compacted', metrics: { revision } });
    const defragmented = await sink.waitFor('defragmentation', (event) => event.type === 'defragmented');
    const [defrag] = transform(defragmented);
    expect(defrag?.type).toBe('etcd_defragmented');
    expect(defrag?.metrics?.['db_size_after_bytes']).toBeLessThan(defrag?.metrics?.['db_size_before_bytes'] ?? 0);
    await sink.waitFor('alarm cleared', (event) => event.type === 'alarm_cleared');
    expect(sink.events.filter((event) => event.type === 'alarm_raised')).toHaveLength(1);
  });

  it('reports unreachable endpoints from the first poll, and recovers when the member comes up', async () => {
    cluster = await EtcdCluster.start(1);
    const member = cluster.members[0]!;
    await cluster.kill(member);
    const sink = newSink();
    collector = new EtcdCollector({ endpoints: cluster.endpoints, nodeName: 'cp-1', intervalMs: 100 });
    await collector.start(sink);
    expect(collector.health()).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/unreachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/) });
    await cluster.restart(member);
    await sink.waitFor('member reachable', (event) => event.type === 'member_reachable');
    expect(collector.health().status).toBe('ok');
  });
});

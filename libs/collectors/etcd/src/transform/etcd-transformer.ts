import { makeUnifiedEvent, type EventType, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/domain';
import { ETCD_RAW_DATA, type EtcdMemberRef, type EtcdRawType } from '../collector/etcd-raw-data.js';

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

/**
 * etcd changes → UnifiedEvents. Member facts are about the EtcdMember; leader changes and
 * alarms about the EtcdCluster (an alarm stops writes to the whole cluster).
 */
export class EtcdTransformer implements RawEventTransformer {
  readonly sources = ['etcd'] as const;

  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    if (!(raw.type in ETCD_RAW_DATA)) throw new Error(`etcd: unknown raw type "${raw.type}" (expected one of ${Object.keys(ETCD_RAW_DATA).join(', ')})`);
    const type = raw.type as EtcdRawType;
    const result = ETCD_RAW_DATA[type].safeParse(raw.data);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(`etcd ${raw.type}: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    const data = result.data as Record<string, unknown> & { node: string; cluster: string };
    const cluster = raw.metadata['cluster'] ?? context.cluster;
    const etcdCluster = { kind: 'EtcdCluster', name: data.cluster, cluster };
    const memberEntity = (member: EtcdMemberRef) => ({ kind: 'EtcdMember', name: member.name, cluster });
    const make = (eventType: EventType, entity: { kind: string; name: string; cluster: string }, message: string, extra: { metrics?: Record<string, number>; fields?: Record<string, string> } = {}) => [
      makeUnifiedEvent(raw, context, eventType, `etcd:${type}`, {
        entity,
        k8sContext: { ...entity, nodeName: data.node },
        message,
        application: { logger: 'etcd', message, fields: { etcd_cluster: data.cluster, ...(extra.fields ?? {}) } },
        ...(extra.metrics ? { metrics: extra.metrics } : {}),
      }),
    ];
    const member = data['member'] as EtcdMemberRef | undefined;
    switch (type) {
      case 'leader_changed': {
        const { oldLeader, newLeader, term } = result.data as { oldLeader?: EtcdMemberRef; newLeader: EtcdMemberRef; term: number };
        return make('etcd_leader_changed', etcdCluster, `etcd ${data.cluster} leader changed from ${oldLeader?.name ?? 'none'} to ${newLeader.name} (term ${term})`, {
          metrics: { raft_term: term },
          fields: { old_leader: oldLeader?.name ?? '', new_leader: newLeader.name },
        });
      }
      case 'member_unreachable':
        return make('etcd_member_down', memberEntity(member as EtcdMemberRef), `etcd member ${member?.name} unreachable: ${String(data['reason'])}`, { fields: { endpoint: member?.endpoint ?? '' } });
      case 'member_reachable':
        return make('etcd_member_up', memberEntity(member as EtcdMemberRef), `etcd member ${member?.name} reachable again`);
      case 'slow_apply':
        return make('etcd_slow', memberEntity(member as EtcdMemberRef), `etcd member ${member?.name}: ${String(data['slowApplies'])} applies took over 100 ms`, { metrics: { slow_applies: Number(data['slowApplies']) }, fields: { operation: 'apply' } });
      case 'slow_disk': {
        const operation = data['operation'] === 'wal_fsync' ? 'WAL fsync' : 'backend commit';
        return make('etcd_slow', memberEntity(member as EtcdMemberRef), `etcd member ${member?.name}: ${operation} p99 ${Number(data['p99Ms'])} ms over ${Number(data['observations'])} operations (threshold ${Number(data['thresholdMs'])} ms)`, {
          metrics: { p99_ms: Number(data['p99Ms']), observations: Number(data['observations']) },
          fields: { operation: String(data['operation']) },
        });
      }
      case 'db_quota':
        return make('etcd_db_quota_high', memberEntity(member as EtcdMemberRef), `etcd member ${member?.name}: database ${mib(Number(data['dbSizeBytes']))} is ${Math.round(Number(data['ratio']) * 100)}% of its ${mib(Number(data['quotaBytes']))} quota`, {
          metrics: { db_size_bytes: Number(data['dbSizeBytes']), quota_bytes: Number(data['quotaBytes']), quota_ratio: Number(data['ratio']) },
        });
      case 'alarm_raised':
        return make('etcd_alarm', etcdCluster, `etcd ${data.cluster} alarm ${String(data['alarm'])} raised on member ${member?.name}${data['alarm'] === 'NOSPACE' ? ': the cluster accepts no writes until it is compacted, defragmented and the alarm disarmed' : ''}`, {
          fields: { alarm: String(data['alarm']), member: member?.name ?? '' },
        });
      case 'alarm_cleared':
        return make('etcd_alarm_cleared', etcdCluster, `etcd ${data.cluster} alarm ${String(data['alarm'])} on member ${member?.name} cleared`, { fields: { alarm: String(data['alarm']), member: member?.name ?? '' } });
      case 'compacted':
        return make('etcd_compacted', memberEntity(member as EtcdMemberRef), `etcd ${data.cluster} compacted up to revision ${Number(data['revision'])}`, { metrics: { revision: Number(data['revision']) } });
      case 'defragmented':
        return make('etcd_defragmented', memberEntity(member as EtcdMemberRef), `etcd member ${member?.name} defragmented: ${mib(Number(data['dbSizeBefore']))} -> ${mib(Number(data['dbSizeAfter']))}`, {
          metrics: { db_size_before_bytes: Number(data['dbSizeBefore']), db_size_after_bytes: Number(data['dbSizeAfter']) },
        });
    }
  }
}

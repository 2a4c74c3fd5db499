import { hostname } from 'node:os';
import type { Collector, ComponentHealth, Logger, Metrics, RawEventSink } from '@tapio/domain';
import { PollingLoop, silentLogger } from '@tapio/domain';
import { EtcdHttp } from '../client/etcd-http.js';
import { EtcdCollectorConfig, type EtcdCollectorConfigInput } from './etcd-config.js';
import type { EtcdMemberRef, EtcdRawType } from './etcd-raw-data.js';
import { memberChanges } from './member-changes.js';
import { pollMember, type MemberSnapshot } from './member-poll.js';

export interface EtcdCollectorDeps {
  logger?: Logger;
  /** Where the poll circuit's state goes (tapio_circuit_state{circuit="collector:etcd"}). */
  metrics?: Metrics;
}

interface Alarm {
  memberID?: string;
  alarm?: string;
}

/**
 * The etcd collector: polls each configured member's status (v3 JSON gateway) and /metrics,
 * and reports what changed between two polls: leader changes (once per change, with the old
 * and new leader), members going unreachable and back, slow applies, slow WAL fsyncs and
 * backend commits, the database crossing its quota share, alarms (NOSPACE, CORRUPT) raised
 * and cleared, compactions and defragmentations. RawEvents of source `etcd`.
 */
export class EtcdCollector implements Collector {
  readonly id = 'etcd';
  readonly source = 'etcd';
  private readonly config: EtcdCollectorConfig;
  private readonly logger: Logger;
  private readonly clients: EtcdHttp[];
  private readonly snapshots = new Map<string, MemberSnapshot>();
  private readonly unreachable = new Map<string, string>();
  private readonly members = new Map<string, string>();
  private readonly endpointMember = new Map<string, string>();
  private readonly quotaArmed = new Map<string, boolean>();
  private alarms: Set<string> | undefined;
  private lastLeader: string | undefined;
  private lastCompaction = 0;
  private readonly loop: PollingLoop;
  private sink: RawEventSink | undefined;
  emitted = 0;

  constructor(
    config: EtcdCollectorConfigInput = {},
    private readonly deps: EtcdCollectorDeps = {},
  ) {
    this.config = EtcdCollectorConfig.parse(config);
    this.logger = (deps.logger ?? silentLogger).child({ collector: this.id });
    this.clients = this.config.endpoints.map((endpoint) => new EtcdHttp(endpoint, this.config.tls, this.config.requestTimeoutMs));
    this.loop = new PollingLoop({
      intervalMs: this.config.intervalMs,
      // One member answering is etcd answering: the circuit counts polls no member answered.
      poll: async () => {
        await this.poll();
        return this.unreachable.size === this.clients.length ? `no etcd member answered (${[...this.unreachable.values()][0] ?? 'unreachable'})` : undefined;
      },
      onError: (error) => this.logger.error({ err: error }, 'etcd poll failed'),
      circuit: { name: 'collector:etcd', target: `etcd at ${this.config.endpoints.join(', ')}`, ...this.config.circuit, metrics: deps.metrics },
    });
  }

  get nodeName(): string {
    return this.config.nodeName ?? process.env['NODE_NAME'] ?? hostname();
  }

  /** Resolves after the first poll, which sets the baseline (health says what was unreachable). */
  async start(sink: RawEventSink): Promise<void> {
    if (this.loop.running) return;
    this.sink = sink;
    await this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  health(): ComponentHealth {
    const details = { members: this.config.endpoints.length, unreachable: this.unreachable.size, leader: this.memberName(this.lastLeader ?? '') ?? '', emitted: this.emitted };
    const reasons = [...this.unreachable].map(([endpoint, reason]) => `etcd member ${this.memberName(this.endpointMember.get(endpoint) ?? '') ?? endpoint} unreachable at ${endpoint} (${reason})`);
    return this.loop.health(reasons.length ? reasons.join('; ') : undefined, details);
  }

  private memberName(id: string): string | undefined {
    return this.members.get(id);
  }

  private ref(id: string, endpoint?: string): EtcdMemberRef {
    return { id: id || 'unknown', name: this.memberName(id) ?? endpoint ?? id, ...(endpoint ? { endpoint } : {}) };
  }

  private async poll(): Promise<void> {
    const results = await Promise.all(this.clients.map(async (client) => ({ client, result: await pollMember(client).then((snapshot) => ({ snapshot }), (error: Error) => ({ error: error.message })) })));
    const reachable = results.filter((entry) => 'snapshot' in entry.result).map((entry) => entry.client);
    if (results.some((entry) => 'snapshot' in entry.result && !this.members.has(entry.result.snapshot.memberId)) && reachable[0]) await this.refreshMembers(reachable[0]);
    for (const { client, result } of results) {
      const endpoint = client.endpoint;
      if ('error' in result) {
        if (!this.unreachable.has(endpoint)) await this.emit('member_unreachable', { member: this.ref(this.endpointMember.get(endpoint) ?? '', endpoint), reason: result.error });
        this.unreachable.set(endpoint, result.error);
        continue;
      }
      const snapshot = result.snapshot;
      this.endpointMember.set(endpoint, snapshot.memberId);
      if (this.unreachable.delete(endpoint)) await this.emit('member_reachable', { member: this.ref(snapshot.memberId, endpoint) });
      const before = this.snapshots.get(endpoint);
      this.snapshots.set(endpoint, snapshot);
      if (before) await this.reportMemberChanges(endpoint, before, snapshot);
    }
    await this.reportLeader(results.flatMap((entry) => ('snapshot' in entry.result ? [entry.result.snapshot] : [])));
    if (reachable[0]) await this.reportAlarms(reachable[0]);
  }

  private async refreshMembers(client: EtcdHttp): Promise<void> {
    try {
      const list = await client.gateway<{ members?: Array<{ ID?: string; name?: string }> }>('/v3/cluster/member/list');
      for (const member of list.members ?? []) if (member.ID && member.name) this.members.set(member.ID, member.name);
    } catch (error) {
      this.logger.debug({ err: error }, 'etcd member list not readable');
    }
  }

  private async reportMemberChanges(endpoint: string, before: MemberSnapshot, after: MemberSnapshot): Promise<void> {
    const armed = this.quotaArmed.get(endpoint) ?? true;
    if (!armed && after.quota > 0 && after.dbSize / after.quota < this.config.quotaRatio - 0.05) this.quotaArmed.set(endpoint, true);
    const member = this.ref(after.memberId, endpoint);
    for (const change of memberChanges(before, after, this.config, armed)) {
      if (change.type === 'db_quota') this.quotaArmed.set(endpoint, false);
      // Every member compacts at the same revision: reported once.
      if (change.type === 'compacted') {
        if (change.revision <= this.lastCompaction) continue;
        this.lastCompaction = change.revision;
      }
      const { type, ...data } = change;
      await this.emit(type, { member, ...data });
    }
  }

  /** The leader as the member with the newest raft term sees it; one event per change. */
  private async reportLeader(snapshots: MemberSnapshot[]): Promise<void> {
    const newest = snapshots.filter((snapshot) => snapshot.leader !== '0').sort((a, b) => b.raftTerm - a.raftTerm)[0];
    if (!newest) return;
    if (this.lastLeader !== undefined && newest.leader !== this.lastLeader) {
      if (!this.members.has(newest.leader)) {
        const client = this.clients.find((candidate) => this.endpointMember.get(candidate.endpoint) === newest.memberId);
        if (client) await this.refreshMembers(client);
      }
      await this.emit('leader_changed', { oldLeader: this.ref(this.lastLeader), newLeader: this.ref(newest.leader), term: newest.raftTerm });
    }
    this.lastLeader = newest.leader;
  }

  private async reportAlarms(client: EtcdHttp): Promise<void> {
    let alarms: Alarm[];
    try {
      alarms = (await client.gateway<{ alarms?: Alarm[] }>('/v3/maintenance/alarm', { action: 'GET' })).alarms ?? [];
    } catch (error) {
      this.logger.debug({ err: error }, 'etcd alarms not readable');
      return;
    }
    const now = new Set(alarms.filter((alarm) => alarm.alarm && alarm.alarm !== 'NONE').map((alarm) => `${alarm.memberID ?? ''}|${alarm.alarm}`));
    const before = this.alarms ?? new Set<string>();
    for (const key of now) if (!before.has(key)) await this.emitAlarm('alarm_raised', key);
    for (const key of before) if (!now.has(key)) await this.emitAlarm('alarm_cleared', key);
    this.alarms = now;
  }

  private emitAlarm(type: 'alarm_raised' | 'alarm_cleared', key: string): Promise<void> {
    const [memberId = '', alarm = ''] = key.split('|');
    return this.emit(type, { member: this.ref(memberId), alarm });
  }

  private async emit(type: EtcdRawType, data: Record<string, unknown>): Promise<void> {
    try {
      await (this.sink as RawEventSink).emit({ timestamp: new Date().toISOString(), type, source: this.source, data: { node: this.nodeName, cluster: this.config.clusterName, ...data }, metadata: { node: this.nodeName } });
      this.emitted++;
    } catch (error) {
      this.logger.warn({ err: error, type }, 'etcd event refused by Tapio');
    }
  }
}

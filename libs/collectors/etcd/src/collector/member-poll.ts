import type { EtcdHttp } from '../client/etcd-http.js';
import { parsePrometheusText, type Samples } from '../client/prometheus-text.js';

/** What one poll of one member reads: its status (JSON gateway) and its metrics. */
export interface MemberSnapshot {
  memberId: string;
  leader: string;
  raftTerm: number;
  dbSize: number;
  quota: number;
  samples: Samples;
}

interface StatusResponse {
  header?: { member_id?: string };
  leader?: string;
  raftTerm?: string;
  dbSize?: string;
  dbSizeQuota?: string;
}

export async function pollMember(http: EtcdHttp): Promise<MemberSnapshot> {
  const [status, metrics] = await Promise.all([http.gateway<StatusResponse>('/v3/maintenance/status'), http.text('/metrics')]);
  const samples = parsePrometheusText(metrics);
  const memberId = status.header?.member_id;
  if (!memberId) throw new Error(`etcd ${http.endpoint} status has no header.member_id`);
  return {
    memberId,
    leader: status.leader ?? '0',
    raftTerm: Number(status.raftTerm ?? 0),
    dbSize: Number(status.dbSize ?? samples.get('etcd_mvcc_db_total_size_in_bytes') ?? 0),
    // dbSizeQuota is in the status from etcd 3.6; the metric in older ones.
    quota: Number(status.dbSizeQuota ?? samples.get('etcd_server_quota_backend_bytes') ?? 0),
    samples,
  };
}

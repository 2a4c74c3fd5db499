import { z } from 'zod';

const Member = z.object({ id: z.string().min(1), name: z.string().min(1), endpoint: z.string().optional() });
const base = { node: z.string().min(1), cluster: z.string().min(1) };

/** RawEvent.data of source `etcd`, by RawEvent.type: what changed between two polls. */
export const ETCD_RAW_DATA = {
  leader_changed: z.object({ ...base, oldLeader: Member.optional(), newLeader: Member, term: z.number().int() }),
  member_unreachable: z.object({ ...base, member: Member, reason: z.string() }),
  member_reachable: z.object({ ...base, member: Member }),
  slow_apply: z.object({ ...base, member: Member, slowApplies: z.number().int().positive() }),
  slow_disk: z.object({ ...base, member: Member, operation: z.enum(['wal_fsync', 'backend_commit']), p99Ms: z.number(), observations: z.number().int(), thresholdMs: z.number() }),
  db_quota: z.object({ ...base, member: Member, dbSizeBytes: z.number(), quotaBytes: z.number(), ratio: z.number() }),
  alarm_raised: z.object({ ...base, member: Member, alarm: z.string().min(1) }),
  alarm_cleared: z.object({ ...base, member: Member, alarm: z.string().min(1) }),
  compacted: z.object({ ...base, member: Member, revision: z.number().int() }),
  defragmented: z.object({ ...base, member: Member, dbSizeBefore: z.number(), dbSizeAfter: z.number() }),
} as const;
export type EtcdRawType = keyof typeof ETCD_RAW_DATA;
export type EtcdRawData<T extends EtcdRawType> = z.infer<(typeof ETCD_RAW_DATA)[T]>;
export type EtcdMemberRef = z.infer<typeof Member>;

import { histogram, intervalQuantile } from '../client/prometheus-text.js';
import type { EtcdConfigThresholds } from './thresholds.js';
import type { MemberSnapshot } from './member-poll.js';

/** A per-member change between two polls, before it gets the node and cluster names. */
export type MemberChange =
  | { type: 'slow_apply'; slowApplies: number }
  | { type: 'slow_disk'; operation: 'wal_fsync' | 'backend_commit'; p99Ms: number; observations: number; thresholdMs: number }
  | { type: 'db_quota'; dbSizeBytes: number; quotaBytes: number; ratio: number }
  | { type: 'compacted'; revision: number }
  | { type: 'defragmented'; dbSizeBefore: number; dbSizeAfter: number };

const DISK = [
  ['wal_fsync', 'etcd_disk_wal_fsync_duration_seconds', 'fsyncSlowMs'],
  ['backend_commit', 'etcd_disk_backend_commit_duration_seconds', 'commitSlowMs'],
] as const;

/**
 * What changed on a member between two of its snapshots: slow applies (etcd's own counter of
 * applies over 100 ms), slow disk (interval p99 from the histogram buckets), the database
 * crossing its quota share, a compaction (compact revision moved) and a defragmentation.
 * `quotaArmed` says whether the quota crossing may be reported (it re-arms below the ratio).
 */
export function memberChanges(before: MemberSnapshot, after: MemberSnapshot, thresholds: EtcdConfigThresholds, quotaArmed: boolean): MemberChange[] {
  const changes: MemberChange[] = [];
  const counter = (name: string) => (after.samples.get(name) ?? 0) - (before.samples.get(name) ?? 0);
  const slowApplies = counter('etcd_server_slow_apply_total');
  if (slowApplies > 0) changes.push({ type: 'slow_apply', slowApplies });
  for (const [operation, metric, key] of DISK) {
    const earlier = histogram(before.samples, metric);
    const later = histogram(after.samples, metric);
    const p99 = earlier && later ? intervalQuantile(earlier, later, 0.99) : undefined;
    if (p99 && p99.value * 1000 > thresholds[key]) changes.push({ type: 'slow_disk', operation, p99Ms: p99.value * 1000, observations: p99.observations, thresholdMs: thresholds[key] });
  }
  if (after.quota > 0 && quotaArmed && after.dbSize / after.quota >= thresholds.quotaRatio) {
    changes.push({ type: 'db_quota', dbSizeBytes: after.dbSize, quotaBytes: after.quota, ratio: Math.round((after.dbSize / after.quota) * 1000) / 1000 });
  }
  const compactRevision = after.samples.get('etcd_debugging_mvcc_compact_revision') ?? -1;
  if (compactRevision > (before.samples.get('etcd_debugging_mvcc_compact_revision') ?? -1) && compactRevision > 0) changes.push({ type: 'compacted', revision: compactRevision });
  if (counter('etcd_disk_backend_defrag_duration_seconds_count') > 0) changes.push({ type: 'defragmented', dbSizeBefore: before.dbSize, dbSizeAfter: after.dbSize });
  return changes;
}

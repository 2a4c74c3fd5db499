import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../client/prometheus-text.js';
import { memberChanges } from './member-changes.js';
import type { MemberSnapshot } from './member-poll.js';

const thresholds = { fsyncSlowMs: 50, commitSlowMs: 100, quotaRatio: 0.8 };

function snapshot(metrics: string, dbSize = 1000, quota = 10_000): MemberSnapshot {
  return { memberId: '1', leader: '1', raftTerm: 2, dbSize, quota, samples: parsePrometheusText(metrics) };
}
const fsync = (fast: number, slow: number) => `
# TYPE etcd_disk_wal_fsync_duration_seconds histogram
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.008"} ${fast}
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.128"} ${fast + slow}
etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf"} ${fast + slow}
etcd_disk_wal_fsync_duration_seconds_sum 1.5
etcd_disk_wal_fsync_duration_seconds_count ${fast + slow}`;

describe('memberChanges', () => {
  it('reports slow applies from etcd counter', () => {
    expect(memberChanges(snapshot('etcd_server_slow_apply_total 2'), snapshot('etcd_server_slow_apply_total 5'), thresholds, true)).toEqual([{ type: 'slow_apply', slowApplies: 3 }]);
  });

  it('reports WAL fsync slow when the interval p99 is over the threshold, not when the slow ones are older', () => {
    expect(memberChanges(snapshot(fsync(100, 0)), snapshot(fsync(100, 10)), thresholds, true)).toEqual([{ type: 'slow_disk', operation: 'wal_fsync', p99Ms: 128, observations: 10, thresholdMs: 50 }]);
    // Near miss: the 10 slow fsyncs happened before the first poll; since then only fast ones.
    expect(memberChanges(snapshot(fsync(100, 10)), snapshot(fsync(1100, 10)), thresholds, true)).toEqual([]);
  });

  it('reports the quota crossing only while armed, and a compaction and a defragmentation', () => {
    expect(memberChanges(snapshot(''), snapshot('', 8500), thresholds, true)).toEqual([{ type: 'db_quota', dbSizeBytes: 8500, quotaBytes: 10_000, ratio: 0.85 }]);
    expect(memberChanges(snapshot(''), snapshot('', 8500), thresholds, false)).toEqual([]);
    const before = snapshot('etcd_debugging_mvcc_compact_revision -1\netcd_disk_backend_defrag_duration_seconds_count 0', 5000);
    const after = snapshot('etcd_debugging_mvcc_compact_revision 42\netcd_disk_backend_defrag_duration_seconds_count 1', 2000);
    expect(memberChanges(before, after, thresholds, true)).toEqual([
      { type: 'compacted', revision: 42 },
      { type: 'defragmented', dbSizeBefore: 5000, dbSizeAfter: 2000 },
    ]);
  });

  it('refuses text that is not Prometheus samples, naming the line', () => {
    expect(() => parsePrometheusText('# HELP x\nx 1\n<html>not metrics</html>')).toThrow('line 3 of the metrics is not a Prometheus sample: "<html>not metrics</html>"');
  });
});

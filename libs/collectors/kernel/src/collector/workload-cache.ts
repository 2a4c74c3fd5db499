import type { CgroupAttributor } from '@tapio/ebpf-native';
import type { RawWorkload } from '../raw/kernel-raw-data.js';
import { rawWorkload } from './raw-event-builder.js';

/**
 * The workload of a (cgroup, memory cgroup) pair, kept for a short time: a busy
 * container produces thousands of events per second from one cgroup, and the answer
 * changes only when the Kubernetes index learns a pod. Unresolved cgroups are not kept,
 * so a cgroup created a moment ago is looked up again.
 */
export class WorkloadCache {
  private readonly entries = new Map<string, { workload: RawWorkload; expiresMs: number }>();

  constructor(
    private readonly attributor: CgroupAttributor,
    private readonly ttlMs = 1000,
    private readonly maxEntries = 4096,
    private readonly now: () => number = Date.now,
  ) {}

  workload(cgroupId: bigint, memcgId: bigint): RawWorkload {
    const key = `${cgroupId}:${memcgId}`;
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && cached.expiresMs > now) return cached.workload;
    const workload = rawWorkload(this.attributor.attribute(cgroupId, memcgId), cgroupId, memcgId);
    if (workload.cgroupPath !== undefined || workload.memoryCgroupPath !== undefined) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { workload, expiresMs: now + this.ttlMs });
    }
    return workload;
  }
}

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Maps kernfs cgroup ids (what BPF reports: the cgroup directory's inode number) to
 * cgroup paths, relative to the hierarchy's root ("/kubepods.slice/..."). Ids are never
 * reused, so entries stay valid after the cgroup is removed; the cache is bounded.
 *
 * A miss rescans the hierarchy. kernfs hands out ids in increasing order per hierarchy,
 * so an id above the highest one the last walk saw belongs to a cgroup created since:
 * that miss walks again at once (a pod's first events would otherwise be attributed to
 * the host whenever another new cgroup had just caused a walk). Any other miss is a
 * cgroup already gone, and walks at most once per `minRescanMs`, so that a burst of
 * events from it costs one walk.
 */
export class CgroupResolver {
  private readonly paths = new Map<bigint, string>();
  private lastScan = 0;
  private scans = 0;
  private highestSeen = 0n;

  constructor(
    private readonly mountPoint: string,
    private readonly options: { minRescanMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  get root(): string {
    return this.mountPoint;
  }

  get scanCount(): number {
    return this.scans;
  }

  resolve(id: bigint): string | undefined {
    if (id === 0n) return undefined;
    const known = this.paths.get(id);
    if (known !== undefined) return known;
    const now = (this.options.now ?? Date.now)();
    const createdSinceLastWalk = id > this.highestSeen;
    if (!createdSinceLastWalk && now - this.lastScan < (this.options.minRescanMs ?? 100)) return undefined;
    this.lastScan = now;
    this.scan();
    // Not found even so: created and removed before the walk. Later cgroups get higher
    // ids, so further events from this one need no walk of their own.
    if (id > this.highestSeen) this.highestSeen = id;
    return this.paths.get(id);
  }

  /** Walks the hierarchy, recording every directory's inode. */
  scan(): void {
    this.scans++;
    const max = this.options.maxEntries ?? 65_536;
    if (this.paths.size > max) this.paths.clear();
    const pending: string[] = ['/'];
    while (pending.length > 0) {
      const relative = pending.pop() as string;
      const absolute = relative === '/' ? this.mountPoint : join(this.mountPoint, relative);
      try {
        const id = statSync(absolute, { bigint: true }).ino;
        this.paths.set(id, relative);
        if (id > this.highestSeen) this.highestSeen = id;
        for (const entry of readdirSync(absolute, { withFileTypes: true })) {
          if (entry.isDirectory()) pending.push(relative === '/' ? `/${entry.name}` : `${relative}/${entry.name}`);
        }
      } catch {
        // Removed while walking: nothing to record.
      }
    }
  }
}

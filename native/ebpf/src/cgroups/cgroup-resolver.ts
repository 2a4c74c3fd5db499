import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Maps kernfs cgroup ids (what BPF reports: the cgroup directory's inode number) to
 * cgroup paths, relative to the hierarchy's root ("/kubepods.slice/..."). A miss
 * rescans the hierarchy, at most once per `minRescanMs` so that a burst of events from
 * an unknown cgroup costs one walk. Ids are never reused, so entries stay valid after
 * the cgroup is removed; the cache is bounded.
 */
export class CgroupResolver {
  private readonly paths = new Map<bigint, string>();
  private lastScan = 0;
  private scans = 0;

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
    if (now - this.lastScan < (this.options.minRescanMs ?? 100)) return undefined;
    this.lastScan = now;
    this.scan();
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
        this.paths.set(statSync(absolute, { bigint: true }).ino, relative);
        for (const entry of readdirSync(absolute, { withFileTypes: true })) {
          if (entry.isDirectory()) pending.push(relative === '/' ? `/${entry.name}` : `${relative}/${entry.name}`);
        }
      } catch {
        // Removed while walking: nothing to record.
      }
    }
  }
}

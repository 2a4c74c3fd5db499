import { readFileSync } from 'node:fs';

export interface MountEntry {
  mountPoint: string;
  /** Path of the mount's root inside its filesystem ("/" unless a bind or namespace). */
  root: string;
  fsType: string;
  superOptions: string[];
}

/** Octal escapes (\040 for a space) as the kernel writes them in mountinfo. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses /proc/<pid>/mountinfo (proc(5)). */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const separator = line.indexOf(' - ');
    if (separator === -1) continue;
    const before = line.slice(0, separator).split(' ');
    const after = line.slice(separator + 3).split(' ');
    const root = before[3];
    const mountPoint = before[4];
    const fsType = after[0];
    if (!root || !mountPoint || !fsType) continue;
    entries.push({ mountPoint: unescape(mountPoint), root: unescape(root), fsType, superOptions: (after[2] ?? '').split(',') });
  }
  return entries;
}

export function readMounts(path = '/proc/self/mountinfo'): MountEntry[] {
  return parseMountInfo(readFileSync(path, 'utf8'));
}

/** Where the cgroup hierarchies are: the v2 (unified) one and, on v1/hybrid hosts, the v1 memory one. */
export interface CgroupMounts {
  unified?: string;
  memoryV1?: string;
}

export function cgroupMounts(mounts: MountEntry[]): CgroupMounts {
  const result: CgroupMounts = {};
  for (const mount of mounts) {
    if (mount.root !== '/') continue;
    if (mount.fsType === 'cgroup2' && result.unified === undefined) result.unified = mount.mountPoint;
    if (mount.fsType === 'cgroup' && mount.superOptions.includes('memory') && result.memoryV1 === undefined) result.memoryV1 = mount.mountPoint;
  }
  return result;
}

export function tracefsMount(mounts: MountEntry[]): string | undefined {
  const tracefs = mounts.find((mount) => mount.fsType === 'tracefs');
  if (tracefs) return tracefs.mountPoint;
  const debugfs = mounts.find((mount) => mount.fsType === 'debugfs');
  return debugfs ? `${debugfs.mountPoint}/tracing` : undefined;
}

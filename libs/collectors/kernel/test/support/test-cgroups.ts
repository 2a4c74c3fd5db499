import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupMounts, readMounts, type CgroupMounts } from '@tapio/ebpf-native';

/**
 * Cgroups a test creates (and removes): directories under the real hierarchies, so
 * the kernel reports their ids and the collector resolves them as it would on a node.
 */
export class TestCgroups {
  readonly mounts: CgroupMounts = cgroupMounts(readMounts());
  private readonly created: string[] = [];

  /** Creates `relative` (and its parents) under `mountPoint`; returns the absolute path. */
  create(mountPoint: string, relative: string): string {
    const parts = relative.split('/').filter(Boolean);
    let current = mountPoint;
    for (const part of parts) {
      current = join(current, part);
      if (!existsSync(current)) {
        mkdirSync(current);
        this.created.push(current);
      }
    }
    return current;
  }

  /** A memory-limited cgroup: v1 memory hierarchy when there is one, else v2. */
  memoryLimited(relative: string, limitBytes: number): { path: string; hierarchyPath: string } {
    if (this.mounts.memoryV1) {
      const path = this.create(this.mounts.memoryV1, relative);
      writeFileSync(join(path, 'memory.limit_in_bytes'), String(limitBytes));
      if (existsSync(join(path, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(path, 'memory.memsw.limit_in_bytes'), String(limitBytes));
      return { path, hierarchyPath: `/${relative}` };
    }
    const unified = this.requireUnified();
    const parts = relative.split('/').filter(Boolean);
    let current = unified;
    for (const part of parts) {
      // Each level must delegate the memory controller to the next.
      const controllers = readFileSync(join(current, 'cgroup.subtree_control'), 'utf8');
      if (!controllers.includes('memory')) writeFileSync(join(current, 'cgroup.subtree_control'), '+memory');
      current = this.create(current, part);
    }
    writeFileSync(join(current, 'memory.max'), String(limitBytes));
    if (existsSync(join(current, 'memory.swap.max'))) writeFileSync(join(current, 'memory.swap.max'), '0');
    return { path: current, hierarchyPath: `/${relative}` };
  }

  requireUnified(): string {
    if (!this.mounts.unified) throw new Error('no cgroup2 filesystem mounted: the attribution tests need one');
    return this.mounts.unified;
  }

  /** Removes what was created, deepest first (the processes in them must have exited). */
  removeAll(): void {
    for (const path of this.created.reverse()) {
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          rmdirSync(path);
          break;
        } catch {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        }
      }
    }
    this.created.length = 0;
  }
}

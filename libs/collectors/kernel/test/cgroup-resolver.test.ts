import { statSync } from 'node:fs';
import { CgroupResolver } from '@tapio/ebpf-native';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCgroups } from './support/test-cgroups.js';

// Real cgroup directories: the resolver depends on kernfs handing out ids in increasing
// order, which only the kernel can show.
const cgroups = new TestCgroups();
const runId = `${process.pid}-${Date.now()}`;
const hierarchies = [
  ['cgroup v2', cgroups.mounts.unified],
  ['cgroup v1 memory', cgroups.mounts.memoryV1],
].filter((entry): entry is [string, string] => entry[1] !== undefined);

afterEach(() => cgroups.removeAll());

describe.each(hierarchies)('CgroupResolver on the %s hierarchy', (_, mountPoint) => {
  const idOf = (path: string) => statSync(path, { bigint: true }).ino;

  it('finds a cgroup created just after another miss caused a walk (no wait for the rescan interval)', () => {
    const resolver = new CgroupResolver(mountPoint, { minRescanMs: 60_000 });
    const first = cgroups.create(mountPoint, `tapio-resolver-${runId}/first`);
    expect(resolver.resolve(idOf(first))).toBe(`/tapio-resolver-${runId}/first`);
    const second = cgroups.create(mountPoint, `tapio-resolver-${runId}/second`);
    expect(resolver.resolve(idOf(second))).toBe(`/tapio-resolver-${runId}/second`);
    expect(resolver.scanCount).toBe(2);
  });

  it('walks at most once per interval for ids of cgroups that are gone', () => {
    const resolver = new CgroupResolver(mountPoint, { minRescanMs: 60_000 });
    const gone = cgroups.create(mountPoint, `tapio-resolver-${runId}-gone`);
    const goneId = idOf(gone);
    cgroups.removeAll();
    expect(resolver.resolve(goneId)).toBeUndefined();
    expect(resolver.resolve(goneId)).toBeUndefined();
    expect(resolver.scanCount).toBe(1);
  });
});

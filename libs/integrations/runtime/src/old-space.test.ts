import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultMaxSemiSpaceMb, flagMegabytes, oldSpaceInUse, oldSpaceLimit } from './old-space.js';

const MB = 2 ** 20;

describe('the old space: what runs out, and its limit', () => {
  it('reads --max-old-space-size and --max-semi-space-size in every spelling; the last one given wins', () => {
    expect(flagMegabytes(['--max-old-space-size=160'], 'max-old-space-size')).toBe(160);
    expect(flagMegabytes(['--max_old_space_size=512'], 'max-old-space-size')).toBe(512);
    expect(flagMegabytes(['--max-old-space-size', '300'], 'max-old-space-size')).toBe(300);
    expect(flagMegabytes(['--max-old-space-size=160', '--enable-source-maps', '--max-old-space-size=256'], 'max-old-space-size')).toBe(256);
    expect(flagMegabytes(['--max-old-space-size=lots', '--max-semi-space-size=4'], 'max-old-space-size')).toBeUndefined();
    expect(flagMegabytes(['--max-semi-space-size=4'], 'max-semi-space-size')).toBe(4);
  });

  it('is the flag when given; otherwise the heap limit less three of the largest default semi-spaces of the Node version', () => {
    expect(oldSpaceLimit({ heapSizeLimit: 208 * MB, flags: ['--max-old-space-size=160'], nodeMajor: 20 })).toBe(160 * MB);
    expect(oldSpaceLimit({ heapSizeLimit: 352 * MB, flags: ['--max-old-space-size=160'], nodeMajor: 24 })).toBe(160 * MB);
    expect(oldSpaceLimit({ heapSizeLimit: 4144 * MB, flags: [], nodeMajor: 20 })).toBe(4096 * MB);
    expect(oldSpaceLimit({ heapSizeLimit: 4288 * MB, flags: [], nodeMajor: 24 })).toBe(4096 * MB);
    expect(oldSpaceLimit({ heapSizeLimit: 172 * MB, flags: ['--max-semi-space-size=4'], nodeMajor: 24 })).toBe(160 * MB);
    // A small heap V8 sized by itself (a young generation smaller than the default): never under half the limit.
    expect(oldSpaceLimit({ heapSizeLimit: 300 * MB, flags: [], nodeMajor: 24 })).toBe(150 * MB);
    expect(defaultMaxSemiSpaceMb(22)).toBe(16);
  });

  // What V8 itself reports on this machine: the limit it computes from a flag, and the
  // estimate without one, both against heap_size_limit less the young generation.
  it('agrees with this Node binary: the heap limit is the old space plus three semi-spaces', () => {
    const script = "const v8=require('node:v8');process.stdout.write(JSON.stringify({limit:v8.getHeapStatistics().heap_size_limit,major:Number(process.versions.node.split('.')[0])}))";
    const sized = JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=160', '--max-semi-space-size=8', '-e', script], { encoding: 'utf8' })) as { limit: number; major: number };
    expect(sized.limit).toBe((160 + 3 * 8) * MB);
    const byDefault = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { limit: number; major: number };
    const estimate = oldSpaceLimit({ heapSizeLimit: byDefault.limit, flags: [], nodeMajor: byDefault.major });
    // The estimate errs low, by at most the difference between the largest default young generation and the smallest.
    expect(estimate).toBeLessThanOrEqual(byDefault.limit - 3 * 16 * MB);
    expect(estimate).toBeGreaterThanOrEqual(byDefault.limit - 3 * 64 * MB);
  });

  it('counts what is in use outside the young generation: a retained array shows, garbage in the young generation does not', () => {
    const before = oldSpaceInUse();
    expect(before).toBeGreaterThan(0);
    // A 40 MB array goes straight to the large-object space (old generation).
    const kept = new Array<number>(5 * MB).fill(1.5);
    expect(oldSpaceInUse() - before).toBeGreaterThan(20 * MB);
    expect(kept.length).toBe(5 * MB);
  });
});

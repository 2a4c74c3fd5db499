import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const MB = 2 ** 20;

/**
 * What runs out when a Node process runs out of memory is V8's old space (the old
 * generation), not the whole heap: `heap_size_limit` adds the young generation's maximum
 * (48 MB on Node 20 and 22, 192 MB on Node 24 here), and V8 ends the process as
 * "ineffective mark-compacts near heap limit" once the old space stays above 80% of its own
 * limit while collections free little. The running modes are measured against this limit,
 * so a ratio means the same on every Node version and heap size.
 *
 * V8 does not report the old space's limit. `--max-old-space-size` (the command line or
 * NODE_OPTIONS, the last one given wins) is it exactly; without it, the heap limit less the
 * young generation's maximum: three semi-spaces (`--max-semi-space-size`, or the largest
 * default of the Node version, so the estimate errs low: toward an early read-only, never a
 * late one).
 */
export interface NodeHeapFacts {
  heapSizeLimit: number;
  /** The flags Node was started with: `process.execArgv` and the words of NODE_OPTIONS. */
  flags: readonly string[];
  nodeMajor: number;
}

/** The value of the last `--name=N` or `--name N` (dashes or underscores) among the flags, in MB. */
export function flagMegabytes(flags: readonly string[], name: string): number | undefined {
  const spelled = (flag: string) => flag.replace(/_/g, '-');
  let found: number | undefined;
  for (let index = 0; index < flags.length; index += 1) {
    const flag = spelled(flags[index] as string);
    const value = flag === `--${name}` ? flags[index + 1] : flag.startsWith(`--${name}=`) ? flag.slice(name.length + 3) : undefined;
    const megabytes = value === undefined ? Number.NaN : Number(value);
    if (Number.isFinite(megabytes) && megabytes > 0) found = megabytes;
  }
  return found;
}

/** The largest semi-space V8 picks by itself: 16 MB up to Node 22, 64 MB from Node 24 (64-bit, no pointer compression). */
export const defaultMaxSemiSpaceMb = (nodeMajor: number): number => (nodeMajor >= 24 ? 64 : 16);

/** The old space's limit in bytes (see NodeHeapFacts). */
export function oldSpaceLimit(facts: NodeHeapFacts): number {
  const given = flagMegabytes(facts.flags, 'max-old-space-size');
  if (given !== undefined) return Math.min(given * MB, facts.heapSizeLimit);
  const semiMb = flagMegabytes(facts.flags, 'max-semi-space-size') ?? defaultMaxSemiSpaceMb(facts.nodeMajor);
  // A heap so small that the estimate would leave less than half of it: V8 made the young generation smaller.
  return Math.max(facts.heapSizeLimit - 3 * semiMb * MB, facts.heapSizeLimit / 2);
}

/** This process's facts: its heap limit, its flags, its Node version. */
export function currentHeapFacts(): NodeHeapFacts {
  const fromEnvironment = (process.env['NODE_OPTIONS'] ?? '').split(/\s+/).filter(Boolean);
  return { heapSizeLimit: getHeapStatistics().heap_size_limit, flags: [...fromEnvironment, ...process.execArgv], nodeMajor: Number(process.versions.node.split('.')[0]) };
}

/** Bytes in use outside the young generation (its two spaces hold only what is new, and are empty after a full collection). */
export function oldSpaceInUse(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (space.space_name !== 'new_space' && space.space_name !== 'new_large_object_space') used += space.space_used_size;
  return used;
}

let limit: number | undefined;
/** Old space in use / its limit (the limit read once: it is fixed when the process starts). */
export const oldSpaceRatio = (): number => oldSpaceInUse() / (limit ??= oldSpaceLimit(currentHeapFacts()));

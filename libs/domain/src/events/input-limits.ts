import { z } from 'zod';
import { ChangeLimits, Duration, parseDuration } from '@tapio/plugin-api';
import type { RawEvent } from '@tapio/plugin-api';
import { knownDepthBound } from './depth-bound.js';
import { timestampMs } from './timestamp-ms.js';

/**
 * What one input may be before Tapio refuses it. Every recursive step after decoding
 * (the canonical id, the bus's and the dead-letter file's serialisation) is bounded by
 * `maxDepth`, so no single line can overflow the stack; `maxLineBytes` and `maxLabels`
 * bound what one input may cost in memory. `maxFutureSkew` refuses events dated further
 * ahead of the wall clock than this: retention and the engine's window count back from
 * the newest event seen, and one event from year 9999 would otherwise evict everything.
 */
/** The largest `maxDepth` accepted: a collector that counts brackets up to it has a bound for any configured limit. */
export const MAX_DEPTH_LIMIT = 1000;

export const InputLimits = z.strictObject({
  /** One NDJSON line (a recording, the dead-letter file), in bytes of UTF-8. */
  maxLineBytes: z.number().int().min(1024).default(4 * 1024 * 1024),
  /** Nesting of objects and arrays in one RawEvent. Kubernetes objects nest about 15 deep. */
  maxDepth: z.number().int().min(8).max(MAX_DEPTH_LIMIT).default(100),
  /** Keys of a RawEvent's metadata, and labels of the Kubernetes object it carries. */
  maxLabels: z.number().int().min(1).default(512),
  /** How far ahead of this machine's clock an event may be dated. */
  maxFutureSkew: Duration.default('15m'),
  /** What transformers may keep and report of configuration content (ConfigMap changed lines). */
  ...ChangeLimits.shape,
});
export type InputLimits = z.infer<typeof InputLimits>;
export type InputLimitsInput = z.input<typeof InputLimits>;

/**
 * RawEvent metadata key a collector reading files sets to `file:line`, so a later stage's
 * dead letter says where the input came from. It is not part of what the event is (the
 * pipeline leaves it out of the content id).
 */
export const ORIGIN_METADATA_KEY = 'tapio_origin';

export const DEFAULT_INPUT_LIMITS: InputLimits = InputLimits.parse({});

/** Deepest limit walked by recursion (a few KB of stack); beyond it the walk keeps its own stack. */
const RECURSION_LIMIT = 1000;

/** `value` is an object or array; true when it nests deeper than `levels` (itself being 1). */
function deeperThan(value: object, levels: number): boolean {
  if (levels <= 0) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const child: unknown = value[index];
      if (child !== null && typeof child === 'object' && deeperThan(child, levels - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && deeperThan(child, levels - 1)) return true;
  }
  return false;
}

/**
 * True when `value` nests objects/arrays deeper than `limit` (the value itself is depth 1).
 * Runs on every RawEvent: a plain recursion (stops at `limit`, so the stack stays bounded)
 * is about twice as fast as an explicit stack; limits beyond RECURSION_LIMIT use the latter.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  // Parsed from text with no more opening brackets than the limit (depth-bound.ts): cannot be deeper.
  const bound = knownDepthBound(value);
  if (bound !== undefined && bound <= limit) return false;
  if (limit <= RECURSION_LIMIT) return deeperThan(value, limit);
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const current = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    // Runs on every RawEvent: no arrays of children allocated.
    if (Array.isArray(current)) {
      for (const child of current) {
        if (child !== null && typeof child === 'object') {
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in current) {
        const child = (current as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') {
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/** UTF-8 size of a line, without encoding it when its length alone decides. */
export function lineTooLong(line: string, maxBytes: number): number | undefined {
  if (line.length * 3 <= maxBytes) return undefined;
  if (line.length > maxBytes) return line.length;
  const bytes = Buffer.byteLength(line, 'utf8');
  return bytes > maxBytes ? bytes : undefined;
}

function objectLabels(data: unknown): unknown {
  if (data === null || typeof data !== 'object') return undefined;
  const object = (data as { object?: unknown }).object;
  if (object === null || typeof object !== 'object') return undefined;
  const metadata = (object as { metadata?: unknown }).metadata;
  return metadata !== null && typeof metadata === 'object' ? (metadata as { labels?: unknown }).labels : undefined;
}

/** Whether an object has more than `limit` own keys: counted without listing them (runs per event; lists only to name a refusal). */
function moreKeysThan(value: object, limit: number): boolean {
  let keys = 0;
  for (const key in value) if (Object.hasOwn(value, key) && ++keys > limit) return true;
  return false;
}

/** maxFutureSkew in ms, parsed once per limits object rather than once per event. */
const futureSkewMs = new WeakMap<InputLimits, number>();

function maxFutureSkewMs(limits: InputLimits): number {
  let ms = futureSkewMs.get(limits);
  if (ms === undefined) futureSkewMs.set(limits, (ms = parseDuration(limits.maxFutureSkew)));
  return ms;
}

/**
 * Why this RawEvent breaks a limit, or undefined. `now` is the wall clock in ms; the
 * event's own timestamp is compared with it (an event dated ahead by more than
 * `maxFutureSkew` is refused).
 */
export function rawEventLimitViolation(raw: RawEvent, limits: InputLimits, now: number): string | undefined {
  if (moreKeysThan(raw.metadata, limits.maxLabels)) {
    return `metadata has ${Object.keys(raw.metadata).length} keys, more than the limit of ${limits.maxLabels} (limits.maxLabels)`;
  }
  const labels = objectLabels(raw.data);
  if (labels !== null && typeof labels === 'object' && moreKeysThan(labels, limits.maxLabels)) {
    return `the object has ${Object.keys(labels).length} labels, more than the limit of ${limits.maxLabels} (limits.maxLabels)`;
  }
  // The RawEvent is depth 1, its data depth 2.
  if (nestsDeeperThan(raw.data, limits.maxDepth - 1)) return `data nests deeper than the limit of ${limits.maxDepth} levels (limits.maxDepth)`;
  const at = timestampMs(raw.timestamp);
  const ahead = at - now;
  if (ahead > maxFutureSkewMs(limits)) {
    return `timestamp ${raw.timestamp} is ${Math.round(ahead / 1000)} s ahead of this machine's clock, more than the limit of ${limits.maxFutureSkew} (limits.maxFutureSkew)`;
  }
  return undefined;
}

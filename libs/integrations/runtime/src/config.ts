import { Duration } from '@tapio/domain';
import { z } from 'zod';

// The degradation section of tapio.yaml, apart from the runtime's index so that reading a
// configuration loads no correlation engine.

/** Shares of the old space's limit (old-space.ts). */
export const DEFAULT_DEGRADED_HEAP_RATIO = 0.6;
export const DEFAULT_READ_ONLY_HEAP_RATIO = 0.7;
/**
 * The highest ratio either threshold may have. V8 ends the process once the old space stays
 * above 80% of its limit while its collections free little; read-only has to begin below
 * that with room for what is in flight when it does (one event per collector, the bus's
 * queues as they are).
 */
export const MAX_HEAP_RATIO = 0.75;

const heapRatio = (fallback: number) =>
  z
    .number()
    .gt(0)
    .max(MAX_HEAP_RATIO, { message: `at most ${MAX_HEAP_RATIO} of the old-space limit: V8 ends the process once the old space stays above 0.8 of its limit while collections free little, and read-only must begin before that (docs/reliability.md)` })
    .default(fallback);

/** When Tapio runs degraded (predictions skipped) or read-only (no event taken): docs/reliability.md. */
export const DegradationConfig = z
  .object({
    maintenance: z.boolean().default(false),
    /** Live old space / its limit from which predictions are skipped. */
    degradedHeapRatio: heapRatio(DEFAULT_DEGRADED_HEAP_RATIO),
    /** Live old space / its limit from which no event is taken nor accepted. */
    readOnlyHeapRatio: heapRatio(DEFAULT_READ_ONLY_HEAP_RATIO),
    /** How often read-only by memory measures the live heap again (a full collection) and sheds one more step. */
    recheckInterval: Duration.default('5s'),
  })
  .strict();
export type DegradationConfig = z.infer<typeof DegradationConfig>;

export const DEGRADATION_DEFAULTS: DegradationConfig = { maintenance: false, degradedHeapRatio: DEFAULT_DEGRADED_HEAP_RATIO, readOnlyHeapRatio: DEFAULT_READ_ONLY_HEAP_RATIO, recheckInterval: '5s' };

import { circuitSettings, Severity, severityRank, z, type Insight } from '@tapio/domain';
import { insightNamespaces } from '../insight-text.js';

/**
 * What every sink section of tapio.yaml may say besides the sink's own settings:
 * which incidents it is told about, and how hard to try.
 */
export const SinkRoute = z
  .object({
    /** Only incidents at least this severe. */
    minSeverity: Severity.default('info'),
    /** Only incidents touching one of these namespaces (any when empty). */
    namespaces: z.array(z.string().min(1)).default([]),
    /** Only incidents of these patterns (any when empty). */
    patterns: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type SinkRoute = z.infer<typeof SinkRoute>;

export const SinkRetry = z
  .object({
    /** Attempts per notification, the first included. */
    attempts: z.number().int().min(1).max(20).default(5),
    /** Wait before the first retry, in ms; doubled each time up to maxDelayMs. */
    initialDelayMs: z.number().int().min(1).default(500),
    maxDelayMs: z.number().int().min(1).default(30_000),
  })
  .strict();
export type SinkRetry = z.infer<typeof SinkRetry>;

/** Failed attempts in a row that open the sink's breaker, and how long it stays open before one notification tries again. */
export const SinkCircuit = circuitSettings({ failures: 5, halfOpenAfterMs: 30_000 });
export type SinkCircuit = z.infer<typeof SinkCircuit>;

export const SinkSettings = z
  .object({
    route: SinkRoute.default({ minSeverity: 'info', namespaces: [], patterns: [] }),
    retry: SinkRetry.default({ attempts: 5, initialDelayMs: 500, maxDelayMs: 30_000 }),
    circuit: SinkCircuit,
    /** Notifications held while the receiver is down; beyond it new ones are dropped and counted. */
    buffer: z.number().int().min(1).max(1_000_000).default(1_000),
  })
  .strict();
export type SinkSettings = z.infer<typeof SinkSettings>;

/** The keys of a sink section Tapio handles itself; the rest is the sink's own configuration. */
export const COMMON_SINK_KEYS = ['route', 'retry', 'circuit', 'buffer'] as const;

export function routeAccepts(route: SinkRoute, insight: Insight): boolean {
  if (severityRank(insight.severity) < severityRank(route.minSeverity)) return false;
  if (route.patterns.length && !route.patterns.includes(insight.pattern ?? '')) return false;
  if (route.namespaces.length && !insightNamespaces(insight).some((namespace) => route.namespaces.includes(namespace))) return false;
  return true;
}

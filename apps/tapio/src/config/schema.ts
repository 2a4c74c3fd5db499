import { DEFAULT_FEEDBACK_POLICY, DEFAULT_INPUT_LIMITS, Duration, FeedbackPolicy, InputLimits } from '@tapio/domain';
import { API_CONFIG_DEFAULTS, ApiConfig } from '@tapio/api/config';
import { DEGRADATION_DEFAULTS, DegradationConfig } from '@tapio/runtime/config';
import { TELEMETRY_DEFAULTS, TelemetryConfig } from '@tapio/telemetry';
import { z } from 'zod';

import { RUN_MODES } from './run-modes.js';

export { RUN_MODES };
export const RunMode = z.enum(RUN_MODES);
export type RunMode = z.infer<typeof RunMode>;

const LogConfig = z
  .object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    format: z.enum(['json', 'pretty']).default('json'),
  })
  .strict();

/** A plugin id as tapio.yaml names it (`bus.type`, `graph.type`, section keys). */
const PluginId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a plugin id: lower-case letters, digits and dashes, starting with a letter');

/** A plugin's own section: a mapping the plugin validates with its own schema (select-plugins.ts). */
const PluginSettings = z.record(z.string(), z.unknown()).nullable();

/**
 * `bus:` and `graph:` name the plugin that provides them (`type`) and hold each bus or
 * graph plugin's settings under its id. Which ids exist, and what their settings may be,
 * is the plugins' business: a third-party bus or graph plugin is chosen the same way as a
 * built-in one, and a section that names no plugin of that kind is an error with its line.
 */
function pluginChoice(fallback: string) {
  // A section's shape is checked by its plugin's schema (an empty section gets the plugin's defaults).
  return z.object({ type: PluginId.default(fallback) }).catchall(z.unknown());
}
const BusConfig = pluginChoice('embedded');
const GraphConfig = pluginChoice('memory');

const DeadLetterConfig = z
  .object({
    /** NDJSON file every refused input is appended to; unset keeps them in memory only. */
    file: z.string().min(1).optional(),
    keep: z.number().int().min(1).default(1000),
  })
  .strict();

const ENGINE_LIMIT_DEFAULTS = { maxIncidents: 10_000, maxHeld: 10_000, maxHistoryKeys: 10_000, maxTimesPerKey: 20, maxCachedWalks: 50_000, maxTrackedPredictions: 10_000 };

const EngineLimitsConfig = z
  .object({
    /** Open incidents in the book; those last seen longest ago leave first. */
    maxIncidents: z.number().int().min(1).default(ENGINE_LIMIT_DEFAULTS.maxIncidents),
    /** Matches waiting for their `holdFor`; beyond, the oldest is reported at once. */
    maxHeld: z.number().int().min(1).default(ENGINE_LIMIT_DEFAULTS.maxHeld),
    /** Pattern-and-root pairs whose earlier occurrences are remembered ("same as 3 days ago"). */
    maxHistoryKeys: z.number().int().min(1).default(ENGINE_LIMIT_DEFAULTS.maxHistoryKeys),
    /** Start times kept per pair (the count stays exact). */
    maxTimesPerKey: z.number().int().min(1).default(ENGINE_LIMIT_DEFAULTS.maxTimesPerKey),
    /** Root-cause walks cached by start event. */
    maxCachedWalks: z.number().int().min(1).default(ENGINE_LIMIT_DEFAULTS.maxCachedWalks),
    /**
     * Predictions with a deadline waiting to be judged by what happens (and as many judged ones
     * remembered); beyond, the one due first is forgotten unjudged (tapio_predictions_dropped_total).
     */
    maxTrackedPredictions: z.number().int().min(1).default(ENGINE_LIMIT_DEFAULTS.maxTrackedPredictions),
  })
  .strict();

/** A pattern's metadata.name. */
const PatternName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a pattern name (metadata.name): lower-case letters, digits and dashes');
const PatternOverride = z
  .object({
    /** Replaces the pattern's holdFor. */
    holdFor: Duration,
  })
  .strict();

/**
 * Planned node lifecycle (docs/root-cause.md, gap 4): `uncordonGrace` is how long after an
 * uncordon the scheduler may still refuse pods for the cordon's taint ("untolerated taint"),
 * which is then still maintenance, not trouble.
 */
const LifecycleConfig = z.object({ uncordonGrace: Duration.default('60s') }).strict();

const CorrelationConfig = z
  .object({
    /** Directories of extra BehaviorPattern YAML files (hot reloaded), relative to this file. */
    patterns: z.array(z.string().min(1)).default([]),
    /**
     * How pattern directories are watched: file system events (default), or polling every
     * `pollInterval` where events do not arrive (NFS, some container file systems); changes
     * are applied `debounce` after the last one.
     */
    patternWatch: z
      .object({
        pollInterval: Duration.optional(),
        debounce: Duration.default('50ms'),
      })
      .strict()
      .default({ debounce: '50ms' }),
    /** Load the patterns Tapio ships. */
    builtinPatterns: z.boolean().default(true),
    /** How far back (event time) the engine's working state reaches. */
    window: Duration.default('2h'),
    maxEvents: z.number().int().min(1000).default(1_000_000),
    /** A new match with the same root cause within this time joins the existing insight. */
    mergeWindow: Duration.default('1h'),
    /**
     * On start, rebuild the working state from the graph: its topology, then its newest
     * events within `window` (at most `maxEvents` of them), so a restarted worker still
     * connects new trouble to changes made before the restart.
     */
    warmStart: z
      .object({
        enabled: z.boolean().default(true),
        maxEvents: z.number().int().min(0).default(200_000),
      })
      .strict()
      .default({ enabled: true, maxEvents: 200_000 }),
    /** What the engine remembers besides its window (docs/architecture.md, "Bounded memory"). */
    limits: EngineLimitsConfig.default(ENGINE_LIMIT_DEFAULTS),
    /**
     * Settings of behavior patterns by name, over what their files say (built-in ones
     * included): `holdFor` (how long a match waits to see whether its trouble clears, e.g.
     * `admission-refused: { holdFor: 3m }`). docs/patterns.md.
     */
    patternOverrides: z.record(PatternName, PatternOverride).default({}),
    /** How verdicts move a pattern's confidence, and when it is retired or promoted (docs/patterns.md, "Feedback"). */
    feedback: FeedbackPolicy.default(DEFAULT_FEEDBACK_POLICY),
  })
  .strict();

/** A plugin's section: `enabled` plus the plugin's own settings (validated by the plugin). */
const PluginSection = PluginSettings;

export const TapioConfig = z
  .object({
    /** Cluster name stamped on events whose collector did not name one. */
    cluster: z.string().min(1).default('default'),
    mode: RunMode.default('all'),
    log: LogConfig.default({ level: 'info', format: 'json' }),
    /** The event bus plugin (`type`, default the in-process `embedded`) and bus plugins' settings by id. */
    bus: BusConfig.default({ type: 'embedded' }),
    /** The graph store plugin (`type`, default the in-memory `memory`) and graph plugins' settings by id. */
    graph: GraphConfig.default({ type: 'memory' }),
    deadLetters: DeadLetterConfig.default({ keep: 1000 }),
    /** What one input may be: line size, nesting, labels, how far in the future (docs/reliability.md). */
    limits: InputLimits.default(DEFAULT_INPUT_LIMITS),
    correlation: CorrelationConfig.default({ patterns: [], patternWatch: { debounce: '50ms' }, builtinPatterns: true, window: '2h', maxEvents: 1_000_000, mergeWindow: '1h', warmStart: { enabled: true, maxEvents: 200_000 }, limits: ENGINE_LIMIT_DEFAULTS, patternOverrides: {}, feedback: DEFAULT_FEEDBACK_POLICY }),
    /** Planned node lifecycle: how long after an uncordon a taint refusal is still the cordon's. */
    lifecycle: LifecycleConfig.default({ uncordonGrace: '60s' }),
    /**
     * Probes and metrics (/healthz, /readyz, /metrics) of a process that serves no REST API
     * (modes collectors, transformer, correlation); off unless a port is set. In a pod:
     * `status: { host: 0.0.0.0, port: 9464 }`.
     */
    status: z.object({ host: z.string().min(1).default('127.0.0.1'), port: z.number().int().min(0).max(65535) }).strict().optional(),
    /** The REST API (modes all and api): listen address, tokens, CORS, body limit. */
    api: ApiConfig.default(API_CONFIG_DEFAULTS),
    /** Third-party plugin modules: package names or paths relative to this file. */
    plugins: z.array(z.string().min(1)).default([]),
    /** Collector plugins to run, by id, each with its settings. */
    collectors: z.record(z.string(), PluginSection).default({}),
    /** Correlator plugins' settings by id; every correlator runs unless `enabled: false`. */
    correlators: z.record(z.string(), PluginSection).default({}),
    /** Sink plugins (where insights are sent), by id: their settings plus `route` and `retry` (docs/outputs.md). */
    sinks: z.record(z.string(), PluginSection).default({}),
    /** What sinks are told: an incident with no news for `resolveAfter` (wall clock; default correlation.mergeWindow) is resolved. */
    outputs: z.object({ resolveAfter: Duration.optional() }).strict().default({}),
    /** Tapio's own traces and metrics over OTLP (docs/telemetry.md); off by default. */
    telemetry: TelemetryConfig.default(TELEMETRY_DEFAULTS),
    /** When Tapio runs degraded (predictions skipped) or read-only (no event taken): docs/reliability.md. */
    degradation: DegradationConfig.default(DEGRADATION_DEFAULTS),
  })
  .strict()
  .refine(
    (config) => {
      // Both sections belong to their plugins; only this pairing is checked here.
      const wal = (config.bus['embedded'] as { wal?: unknown } | null | undefined)?.wal;
      const snapshotFile = (config.graph['memory'] as { snapshotFile?: unknown } | null | undefined)?.snapshotFile;
      return !wal || config.bus.type !== 'embedded' || (config.graph.type === 'memory' && snapshotFile !== undefined);
    },
    {
      message: 'bus.embedded.wal needs graph.type memory with graph.memory.snapshotFile: each checkpoint saves the graph there before it empties the log',
      path: ['bus', 'embedded', 'wal'],
    },
  );
export type TapioConfig = z.infer<typeof TapioConfig>;

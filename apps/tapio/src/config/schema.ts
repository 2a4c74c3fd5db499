import { DEFAULT_INPUT_LIMITS, Duration, InputLimits } from '@tapio/domain';
import { API_CONFIG_DEFAULTS, ApiConfig } from '@tapio/api';
import { EmbeddedBusConfig, MemoryGraphConfig } from '@tapio/embedded/plugin';
import { z } from 'zod';

export const RUN_MODES = ['all', 'collectors', 'transformer', 'correlation', 'api'] as const;
export const RunMode = z.enum(RUN_MODES);
export type RunMode = z.infer<typeof RunMode>;

const LogConfig = z
  .object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    format: z.enum(['json', 'pretty']).default('json'),
  })
  .strict();

const BusConfig = z
  .object({
    type: z.enum(['embedded', 'nats']).default('embedded'),
    embedded: EmbeddedBusConfig.default({ queueCapacity: 10_000, maxDeliver: 3 }),
    /** NATS JetStream settings; validated by the NATS bus plugin when `type: nats`. */
    nats: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const GraphConfig = z
  .object({
    type: z.enum(['memory', 'neo4j']).default('memory'),
    memory: MemoryGraphConfig.default({ maxEvents: 1_000_000, maxAge: '7d', maxInsights: 50_000 }),
    /** Neo4j settings; validated by the Neo4j graph plugin when `type: neo4j`. */
    neo4j: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const DeadLetterConfig = z
  .object({
    /** NDJSON file every refused input is appended to; unset keeps them in memory only. */
    file: z.string().min(1).optional(),
    keep: z.number().int().min(1).default(1000),
  })
  .strict();

const CorrelationConfig = z
  .object({
    /** Directories of extra BehaviorPattern YAML files (hot reloaded), relative to this file. */
    patterns: z.array(z.string().min(1)).default([]),
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
  })
  .strict();

/** A plugin's section: `enabled` plus the plugin's own settings (validated by the plugin). */
const PluginSection = z.record(z.string(), z.unknown()).nullable();

export const TapioConfig = z
  .object({
    /** Cluster name stamped on events whose collector did not name one. */
    cluster: z.string().min(1).default('default'),
    mode: RunMode.default('all'),
    log: LogConfig.default({ level: 'info', format: 'json' }),
    bus: BusConfig.default({ type: 'embedded', embedded: { queueCapacity: 10_000, maxDeliver: 3 } }),
    graph: GraphConfig.default({ type: 'memory', memory: { maxEvents: 1_000_000, maxAge: '7d', maxInsights: 50_000 } }),
    deadLetters: DeadLetterConfig.default({ keep: 1000 }),
    /** What one input may be: line size, nesting, labels, how far in the future (docs/reliability.md). */
    limits: InputLimits.default(DEFAULT_INPUT_LIMITS),
    correlation: CorrelationConfig.default({ patterns: [], builtinPatterns: true, window: '2h', maxEvents: 1_000_000, mergeWindow: '1h', warmStart: { enabled: true, maxEvents: 200_000 } }),
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
  })
  .strict();
export type TapioConfig = z.infer<typeof TapioConfig>;

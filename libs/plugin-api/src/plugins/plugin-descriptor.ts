import type { z } from 'zod';
import type { TransformerSettings } from '../events/change-limits.js';
import type { Collector, RawEventTransformer } from '../ports/collector.js';
import type { Correlator } from '../ports/correlator.js';
import type { InsightSink } from '../ports/insight-sink.js';
import type { Logger } from '../ports/logger.js';
import type { Token, TokenType } from '../ports/token.js';

/**
 * What a plugin is, which decides when it runs: a collector when tapio.yaml has a
 * `collectors.<id>` section, a correlator unless disabled, a sink when named under
 * `sinks:`, a transformer always, the bus and the graph store the one `bus.type` /
 * `graph.type` names.
 */
export const PLUGIN_KINDS = ['collector', 'correlator', 'sink', 'transformer', 'bus', 'graph'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** A service a plugin offers other plugins, under its port token. */
export interface ProvidedService {
  token: Token<unknown>;
  value: unknown;
}

/** What a plugin adds to Tapio when registered. */
export interface PluginContribution {
  collectors?: Collector[];
  transformers?: RawEventTransformer[];
  correlators?: Correlator[];
  /** Where insights are sent (kind "sink"). */
  sinks?: InsightSink[];
  /**
   * Services this plugin offers other plugins, by port token: the tokens its descriptor
   * declares under `provides` (the Kubernetes API collector provides the KubeIndex the
   * kernel and DNS collectors use; a bus plugin provides the EventBus).
   */
  provides?: readonly ProvidedService[];
}

export type Needs = Record<string, Token<unknown>>;
export type ResolvedNeeds<N extends Needs> = { [K in keyof N]: TokenType<N[K]> };

export interface PluginContext<N extends Needs, C> {
  deps: ResolvedNeeds<N>;
  /** The plugin's own section of tapio.yaml, validated by `configSchema`. */
  config: C;
  logger: Logger;
  /** Folder of the configuration file: relative paths in a plugin's settings resolve against it. */
  baseDir: string;
}

/**
 * A plugin: one folder, one entry file exporting this descriptor (Backstage-style).
 * `needs` names the ports it wants by DI token, `provides` the ports it offers; the
 * runtime registers providers before the plugins that need them and calls `register`.
 * Plugins never see the container. An entry file imports its heavy libraries inside
 * `register` / `transformers`, so commands that do not run the plugin do not load them.
 */
export interface PluginDescriptor<N extends Needs = Needs, C = unknown> {
  id: string;
  kind: PluginKind;
  description?: string;
  needs: N;
  /** Port tokens `register` provides (in `contribution.provides`); plugins needing them are registered after this one. */
  provides?: readonly Token<unknown>[];
  configSchema?: z.ZodType<C>;
  /**
   * Transformers for the RawEvent sources this plugin's collectors emit. Tapio takes them
   * in every process that transforms, whether or not the collector runs there (a
   * transformer worker runs no collectors; a replay carries any source). A transformer
   * reads what it needs from the RawEvent; `settings` carries only the limits on what it
   * may keep and report (`limits` in tapio.yaml).
   */
  transformers?(settings?: TransformerSettings): RawEventTransformer[] | Promise<RawEventTransformer[]>;
  register(context: PluginContext<N, C>): PluginContribution | Promise<PluginContribution>;
}

/** Typed helper for plugin authors: `export default definePlugin({...})`. */
export function definePlugin<N extends Needs, C = unknown>(descriptor: PluginDescriptor<N, C>): PluginDescriptor<N, C> {
  return descriptor;
}

export function isPluginDescriptor(value: unknown): value is PluginDescriptor {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate['id'] === 'string' &&
    (PLUGIN_KINDS as readonly unknown[]).includes(candidate['kind']) &&
    typeof candidate['register'] === 'function' &&
    candidate['needs'] !== null &&
    typeof candidate['needs'] === 'object'
  );
}

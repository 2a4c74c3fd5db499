import type { z } from 'zod';
import type { Collector, RawEventTransformer } from '../ports/collector.js';
import type { Correlator } from '../ports/correlator.js';
import type { InsightSink } from '../ports/insight-sink.js';
import type { Logger } from '../ports/logger.js';
import type { Token, TokenType } from '../ports/token.js';

/** collector: runs when named under `collectors:`; correlator: runs unless disabled under `correlators:`; sink: runs when named under `sinks:`. */
export type PluginKind = 'collector' | 'correlator' | 'sink';
export const PLUGIN_KINDS: readonly PluginKind[] = ['collector', 'correlator', 'sink'];

/** What a plugin adds to Tapio when registered. */
export interface PluginContribution {
  collectors?: Collector[];
  transformers?: RawEventTransformer[];
  correlators?: Correlator[];
  /** Where insights are sent (kind "sink"). */
  sinks?: InsightSink[];
  /**
   * Services this plugin offers other plugins, by port token (the Kubernetes API
   * collector provides the KubeIndex the kernel and DNS collectors use).
   */
  provides?: ReadonlyArray<{ token: Token<unknown>; value: unknown }>;
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
 * `needs` names the ports it wants by DI token; the composition root resolves them
 * and calls `register`. Plugins never see the container.
 */
export interface PluginDescriptor<N extends Needs = Needs, C = unknown> {
  id: string;
  kind: PluginKind;
  description?: string;
  needs: N;
  configSchema?: z.ZodType<C>;
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
    PLUGIN_KINDS.includes(candidate['kind'] as PluginKind) &&
    typeof candidate['register'] === 'function' &&
    candidate['needs'] !== null &&
    typeof candidate['needs'] === 'object'
  );
}

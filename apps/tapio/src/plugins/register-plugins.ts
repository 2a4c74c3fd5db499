import {
  NO_OP_PORTS,
  parseDuration,
  type Collector,
  type Correlator,
  type InsightSink,
  type Logger,
  type PluginDescriptor,
  type PluginKind,
  type RawEventTransformer,
  type Token,
} from '@tapio/domain';
import { SinkSettings } from '@tapio/sinks/plugin';
import { ConfigError, type LoadedConfig } from '../config/load-config.js';
import { lateBound, type LateBound } from './late-bound.js';
import { orderByNeeds } from './plugin-order.js';
import type { ServiceRegistry } from './service-registry.js';
import { selectPlugins, type Candidate } from './select-plugins.js';

export type { Candidate } from './select-plugins.js';

export interface RegisteredPlugins {
  collectors: Collector[];
  /** Every plugin's transformers, whether or not its collector runs here. */
  transformers: RawEventTransformer[];
  /** The built-in plugins' transformers: their tests prove their output valid, so the pipeline skips re-validating it. */
  trustedTransformers: RawEventTransformer[];
  correlators: Correlator[];
  /** Sinks named under `sinks:`, with their route and retry settings. */
  sinks: Array<{ sink: InsightSink; settings: SinkSettings }>;
  /** Plugins that failed, by id, with the reason; the others run. */
  failures: Array<{ id: string; kind: PluginKind; message: string }>;
  active: string[];
}

function tokenName(token: symbol): string {
  return token.description?.replace(/^tapio\./, '') ?? String(token);
}

/**
 * Registers the plugins that run (see selectPlugins), providers before the plugins that
 * need what they provide. A need is met by the service registry (core services and what earlier
 * plugins provided); by a late-bound stand-in when its provider registers later (a cycle);
 * by the port's no-op when no running plugin provides it. Configuration mistakes are fatal
 * (ConfigError with file and line); a plugin that throws is reported by id and skipped.
 */
export async function registerPlugins(services: ServiceRegistry, candidates: readonly Candidate[], loaded: LoadedConfig, logger: Logger): Promise<RegisteredPlugins> {
  const result: RegisteredPlugins = { collectors: [], transformers: [], trustedTransformers: [], correlators: [], sinks: [], failures: [], active: [] };
  const selection = selectPlugins(candidates, loaded);
  result.failures.push(...selection.failures);
  if (selection.problems.length) throw new ConfigError(loaded.file, selection.problems);

  for (const { descriptor, origin } of selection.unique) {
    if (!descriptor.transformers) continue;
    try {
      const transformers = await descriptor.transformers({ limits: loaded.config.limits, uncordonGraceMs: parseDuration(loaded.config.lifecycle.uncordonGrace) });
      result.transformers.push(...transformers);
      if (origin === 'built-in') result.trustedTransformers.push(...transformers);
    } catch (error) {
      result.failures.push({ id: descriptor.id, kind: descriptor.kind, message: `plugin "${descriptor.id}" (${origin}) failed to give its transformers: ${(error as Error).message}` });
    }
  }

  const ordered = orderByNeeds(selection.selected.map((entry) => ({ ...entry, descriptor: entry.candidate.descriptor })));
  const pending = new Set(ordered.map((entry) => entry.descriptor));
  const stand_ins = new Map<Token<unknown>, Array<LateBound<object>>>();
  const resolve = (descriptor: PluginDescriptor, name: string, token: Token<unknown>): unknown => {
    if (services.has(token)) return services.get(token);
    const noop = NO_OP_PORTS.get(token) as object | undefined;
    const later = [...pending].find((other) => other !== descriptor && other.provides?.includes(token));
    if (later && noop) {
      const standIn = lateBound(noop);
      stand_ins.set(token, [...(stand_ins.get(token) ?? []), standIn]);
      return standIn.value;
    }
    if (noop) {
      logger.info({ plugin: descriptor.id, port: tokenName(token) }, `no running plugin provides ${tokenName(token)}; "${descriptor.id}" gets its no-op`);
      return noop;
    }
    throw new Error(`needs "${name}" (${tokenName(token)}), which nothing provides`);
  };

  for (const entry of ordered) {
    const { descriptor } = entry;
    pending.delete(descriptor);
    try {
      const deps: Record<string, unknown> = {};
      for (const [name, token] of Object.entries(descriptor.needs)) deps[name] = resolve(descriptor, name, token);
      const contribution = await descriptor.register({ deps, config: entry.config, logger: logger.child({ plugin: descriptor.id }), baseDir: loaded.baseDir });
      for (const provided of contribution.provides ?? []) {
        services.provide(provided.token, provided.value, `plugin "${descriptor.id}"`);
        for (const standIn of stand_ins.get(provided.token) ?? []) standIn.bind(provided.value as object);
      }
      if (!entry.disabled) result.collectors.push(...(contribution.collectors ?? []));
      result.transformers.push(...(contribution.transformers ?? []));
      result.correlators.push(...(contribution.correlators ?? []));
      if (!entry.disabled) for (const sink of contribution.sinks ?? []) result.sinks.push({ sink, settings: entry.sinkSettings ?? SinkSettings.parse({}) });
      result.active.push(descriptor.id);
    } catch (error) {
      result.failures.push({ id: descriptor.id, kind: descriptor.kind, message: `plugin "${descriptor.id}" (${entry.candidate.origin}) failed to register: ${(error as Error).message}` });
    }
  }
  return result;
}

import type { DependencyContainer } from 'tsyringe';
import {
  KubeIndex,
  type Collector,
  type Correlator,
  type Logger,
  type InsightSink,
  type PluginDescriptor,
  type PluginKind,
  type RawEventTransformer,
} from '@tapio/domain';
import { COMMON_SINK_KEYS, SinkSettings } from '@tapio/sinks';
import { ConfigError, type LoadedConfig } from '../config/load-config.js';
import type { DelegatingKubeIndex } from './delegating-kube-index.js';

export interface RegisteredPlugins {
  collectors: Collector[];
  transformers: RawEventTransformer[];
  correlators: Correlator[];
  /** Sinks named under `sinks:`, with their route and retry settings. */
  sinks: Array<{ sink: InsightSink; settings: SinkSettings }>;
  /** Plugins that failed, by id, with the reason; the others run. */
  failures: Array<{ id: string; message: string }>;
  active: string[];
}

interface Candidate {
  descriptor: PluginDescriptor;
  origin: string;
}

/** Where each kind's settings live, and whether it runs only when named there (opt-in) or unless disabled. */
const KINDS: Record<PluginKind, { section: 'collectors' | 'correlators' | 'sinks'; optIn: boolean }> = {
  collector: { section: 'collectors', optIn: true },
  correlator: { section: 'correlators', optIn: false },
  sink: { section: 'sinks', optIn: true },
};

/** A sink section's `route` and `retry`, validated; problems are added with their line. */
function sinkSettingsOf(own: Record<string, unknown>, path: string[], loaded: LoadedConfig, problems: ConfigError['problems']): SinkSettings | undefined {
  const parsed = SinkSettings.safeParse(Object.fromEntries(COMMON_SINK_KEYS.filter((key) => own[key] !== undefined).map((key) => [key, own[key]])));
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const at = [...path, ...issue.path.map(String)];
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) problems.push({ path: [...at, ...(key ? [key] : [])].join('.'), ...loaded.locate([...at, ...(key ? [key] : [])]), message: key ? `unknown key "${key}"` : issue.message });
  }
  return undefined;
}

function tokenName(token: symbol): string {
  return token.description?.replace(/^tapio\./, '') ?? String(token);
}

/**
 * Decides which plugins run (collectors named under `collectors:`, every correlator
 * unless disabled), validates each one's settings against its schema, resolves what
 * it needs from the container and registers what it contributes. Configuration
 * mistakes are fatal (ConfigError with file and line); a plugin that throws is
 * reported by id and skipped.
 */
export async function registerPlugins(
  container: DependencyContainer,
  candidates: readonly Candidate[],
  loaded: LoadedConfig,
  kubeIndex: DelegatingKubeIndex,
  logger: Logger,
): Promise<RegisteredPlugins> {
  const result: RegisteredPlugins = { collectors: [], transformers: [], correlators: [], sinks: [], failures: [], active: [] };
  const byId = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const existing = byId.get(candidate.descriptor.id);
    if (existing) {
      result.failures.push({
        id: candidate.descriptor.id,
        message: `duplicate plugin id "${candidate.descriptor.id}": ${candidate.origin} and ${existing.origin} both define it; keeping ${existing.origin}`,
      });
      continue;
    }
    byId.set(candidate.descriptor.id, candidate);
  }

  // A section naming no plugin (a typo, or a plugin module that failed to load) is
  // reported by id with its place in the file; the plugins that do exist still run.
  const where = (path: string[]) => {
    const position = loaded.locate(path);
    return position ? `${loaded.file}:${position.line}:${position.column}` : loaded.file;
  };
  for (const [kind, { section }] of Object.entries(KINDS) as Array<[PluginKind, (typeof KINDS)[PluginKind]]>) {
    for (const id of Object.keys(loaded.config[section])) {
      const candidate = byId.get(id);
      if (candidate && candidate.descriptor.kind === kind) continue;
      const known = [...byId.values()].filter((item) => item.descriptor.kind === kind).map((item) => item.descriptor.id);
      result.failures.push({
        id,
        message: `${where([section, id])} ${section}.${id}: no ${kind} plugin with id "${id}" (known: ${known.join(', ') || 'none'}; third-party plugins are listed under plugins:)`,
      });
    }
  }

  const problems: ConfigError['problems'] = [];

  const selected: Array<{ candidate: Candidate; config: unknown; disabled: boolean; sinkSettings?: SinkSettings }> = [];
  for (const candidate of byId.values()) {
    const { section, optIn } = KINDS[candidate.descriptor.kind];
    const settings = loaded.config[section][candidate.descriptor.id];
    if (optIn && settings === undefined) continue;
    const { enabled, ...own } = (settings ?? {}) as Record<string, unknown>;
    // A sink's route and retry are Tapio's to read; the rest is the sink's own settings.
    const common = candidate.descriptor.kind === 'sink' ? sinkSettingsOf(own, [section, candidate.descriptor.id], loaded, problems) : undefined;
    if (candidate.descriptor.kind === 'sink' && !common) continue;
    const rest = common ? Object.fromEntries(Object.entries(own).filter(([key]) => !(COMMON_SINK_KEYS as readonly string[]).includes(key))) : own;
    if (enabled !== undefined && typeof enabled !== 'boolean') {
      problems.push({ path: `${section}.${candidate.descriptor.id}.enabled`, ...loaded.locate([section, candidate.descriptor.id, 'enabled']), message: 'must be true or false' });
      continue;
    }
    if (!optIn && enabled === false) continue;
    const schema = candidate.descriptor.configSchema;
    let config: unknown = rest;
    if (schema) {
      const parsed = schema.safeParse(rest);
      if (!parsed.success) {
        problems.push(
          ...parsed.error.issues.flatMap((issue) => {
            const path = [section, candidate.descriptor.id, ...issue.path];
            // One problem per unknown key, located at that key's line like the core settings.
            if (issue.code === 'unrecognized_keys') {
              return issue.keys.map((key) => ({ path: [...path, key].map(String).join('.'), ...loaded.locate([...path, key]), message: `unknown key "${key}"` }));
            }
            return [{ path: path.map(String).join('.'), ...loaded.locate(path), message: issue.message }];
          }),
        );
        continue;
      }
      config = parsed.data;
    }
    selected.push({ candidate, config, disabled: optIn && enabled === false, ...(common ? { sinkSettings: common } : {}) });
  }
  if (problems.length) throw new ConfigError(loaded.file, problems);

  for (const entry of selected) {
    const { descriptor } = entry.candidate;
    const pluginLogger = logger.child({ plugin: descriptor.id });
    try {
      const deps: Record<string, unknown> = {};
      for (const [name, token] of Object.entries(descriptor.needs)) {
        if (!container.isRegistered(token, true)) throw new Error(`needs "${name}" (${tokenName(token)}), which nothing provides`);
        deps[name] = container.resolve(token);
      }
      const contribution = await descriptor.register({ deps, config: entry.config, logger: pluginLogger, baseDir: loaded.baseDir });
      for (const provided of contribution.provides ?? []) {
        if (provided.token === KubeIndex) kubeIndex.setTarget(provided.value as KubeIndex);
        else container.registerInstance(provided.token, provided.value);
      }
      if (!entry.disabled) result.collectors.push(...(contribution.collectors ?? []));
      result.transformers.push(...(contribution.transformers ?? []));
      result.correlators.push(...(contribution.correlators ?? []));
      if (!entry.disabled) for (const sink of contribution.sinks ?? []) result.sinks.push({ sink, settings: entry.sinkSettings ?? SinkSettings.parse({}) });
      result.active.push(descriptor.id);
    } catch (error) {
      const message = `plugin "${descriptor.id}" (${entry.candidate.origin}) failed to register: ${(error as Error).message}`;
      result.failures.push({ id: descriptor.id, message });
    }
  }
  return result;
}

import type { PluginDescriptor, PluginKind } from '@tapio/domain';
import { COMMON_SINK_KEYS, SinkSettings } from '@tapio/sinks/plugin';
import { withClusterName } from '../config/collector-cluster.js';
import type { ConfigError, LoadedConfig } from '../config/load-config.js';

export interface Candidate {
  descriptor: PluginDescriptor;
  origin: string;
}

export interface SelectedPlugin {
  candidate: Candidate;
  /** Its section of tapio.yaml, validated by its schema. */
  config: unknown;
  /** A collector or sink configured with `enabled: false`: registered (it may provide services) but not started. */
  disabled: boolean;
  /** A sink's `route` and `retry`, which Tapio reads; the rest of its section is the sink's own. */
  sinkSettings?: SinkSettings;
}

export interface Selection {
  /** Every candidate once (the first of a duplicated id). */
  unique: Candidate[];
  selected: SelectedPlugin[];
  failures: Array<{ id: string; kind: PluginKind; message: string }>;
  problems: ConfigError['problems'];
}

/** A sink section's `route` and `retry`, validated; problems are added with their line. */
function sinkSettingsOf(own: Record<string, unknown>, path: string[], loaded: LoadedConfig, problems: ConfigError['problems']): SinkSettings | undefined {
  const parsed = SinkSettings.safeParse(Object.fromEntries(COMMON_SINK_KEYS.filter((key) => own[key] !== undefined).map((key) => [key, own[key]])));
  if (parsed.success) return parsed.data;
  problems.push(...loaded.problems(parsed.error.issues, path));
  return undefined;
}

/** Where a plugin kind's settings live in tapio.yaml. */
function sectionPath(loaded: LoadedConfig, descriptor: PluginDescriptor): { path: string[]; settings: unknown; selected: boolean } {
  const { config } = loaded;
  switch (descriptor.kind) {
    case 'collector': {
      const settings = config.collectors[descriptor.id];
      return { path: ['collectors', descriptor.id], settings, selected: settings !== undefined };
    }
    case 'correlator':
      return { path: ['correlators', descriptor.id], settings: config.correlators[descriptor.id], selected: true };
    case 'sink': {
      const settings = config.sinks[descriptor.id];
      return { path: ['sinks', descriptor.id], settings, selected: settings !== undefined };
    }
    case 'bus':
      return { path: ['bus', descriptor.id], settings: config.bus[descriptor.id], selected: config.bus.type === descriptor.id };
    case 'graph':
      return { path: ['graph', descriptor.id], settings: config.graph[descriptor.id], selected: config.graph.type === descriptor.id };
    case 'transformer':
      return { path: [], settings: undefined, selected: true };
  }
}

/**
 * Decides which plugins run: collectors named under `collectors:`, every correlator
 * unless disabled, sinks named under `sinks:`, every transformer, the bus and graph store `bus.type` / `graph.type`
 * name. Validates each one's settings against its schema; a section naming no plugin is
 * reported by id with its place in the file.
 */
export function selectPlugins(candidates: readonly Candidate[], loaded: LoadedConfig): Selection {
  const selection: Selection = { unique: [], selected: [], failures: [], problems: [] };
  const byId = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const existing = byId.get(candidate.descriptor.id);
    if (existing) {
      selection.failures.push({
        id: candidate.descriptor.id,
        kind: candidate.descriptor.kind,
        message: `duplicate plugin id "${candidate.descriptor.id}": ${candidate.origin} and ${existing.origin} both define it; keeping ${existing.origin}`,
      });
      continue;
    }
    byId.set(candidate.descriptor.id, candidate);
  }
  selection.unique = [...byId.values()];

  const where = (path: string[]) => {
    const position = loaded.locate(path);
    return position ? `${loaded.file}:${position.line}:${position.column}` : loaded.file;
  };
  for (const [section, kind] of [['collectors', 'collector'], ['correlators', 'correlator'], ['sinks', 'sink']] as const) {
    for (const id of Object.keys(loaded.config[section])) {
      const candidate = byId.get(id);
      if (candidate && candidate.descriptor.kind === kind) continue;
      const known = selection.unique.filter((item) => item.descriptor.kind === kind).map((item) => item.descriptor.id);
      selection.failures.push({
        id,
        kind,
        message: `${where([section, id])} ${section}.${id}: no ${kind} plugin with id "${id}" (known: ${known.join(', ') || 'none'}; third-party plugins are listed under plugins:)`,
      });
    }
  }
  // bus.type / graph.type name a plugin of that kind, built-in or listed under plugins:; so
  // does every other key of bus: / graph: (a plugin's settings), so a misspelt section is
  // not silently ignored.
  for (const kind of ['bus', 'graph'] as const) {
    const known = selection.unique.filter((item) => item.descriptor.kind === kind).map((item) => item.descriptor.id);
    const { type, ...sections } = loaded.config[kind];
    const unknown = (id: string) => `no ${kind} plugin "${id}" (known: ${known.join(', ') || 'none'}; third-party plugins are listed under plugins:)`;
    if (!known.includes(type)) selection.problems.push({ path: `${kind}.type`, ...loaded.locate([kind, 'type']), message: unknown(type) });
    for (const id of Object.keys(sections)) {
      if (!known.includes(id)) selection.problems.push({ path: `${kind}.${id}`, ...loaded.locateKey([kind], id), message: unknown(id) });
    }
  }

  for (const candidate of selection.unique) {
    const { descriptor } = candidate;
    const { path, settings, selected } = sectionPath(loaded, descriptor);
    if (!selected) continue;
    const { enabled, ...rest } = (settings ?? {}) as Record<string, unknown>;
    const hasEnabled = descriptor.kind === 'collector' || descriptor.kind === 'correlator' || descriptor.kind === 'sink';
    if (hasEnabled && enabled !== undefined && typeof enabled !== 'boolean') {
      selection.problems.push({ path: [...path, 'enabled'].join('.'), ...loaded.locate([...path, 'enabled']), message: 'must be true or false' });
      continue;
    }
    if (descriptor.kind === 'correlator' && enabled === false) continue;
    let own = hasEnabled ? rest : ((settings ?? {}) as Record<string, unknown>);
    // A sink's route and retry are Tapio's to read; the rest is the sink's own settings.
    let sinkSettings: SinkSettings | undefined;
    if (descriptor.kind === 'sink') {
      sinkSettings = sinkSettingsOf(own, path, loaded, selection.problems);
      if (!sinkSettings) continue;
      own = Object.fromEntries(Object.entries(own).filter(([key]) => !(COMMON_SINK_KEYS as readonly string[]).includes(key)));
    }
    const schema = descriptor.configSchema;
    let config: unknown = own;
    if (schema) {
      // A collector stamps tapio.yaml's `cluster` unless its section names its own; a schema
      // that has no `cluster` (strict) is given the section as written.
      const named = descriptor.kind === 'collector' ? schema.safeParse(withClusterName(own, loaded.config.cluster)) : undefined;
      const parsed = named?.success ? named : schema.safeParse(own);
      if (!parsed.success) {
        // The plugin's schema judged its own section; its problems carry the section's place in the file.
        selection.problems.push(...loaded.problems(parsed.error.issues, path));
        continue;
      }
      config = parsed.data;
    }
    selection.selected.push({ candidate, config, disabled: (descriptor.kind === 'collector' || descriptor.kind === 'sink') && enabled === false, ...(sinkSettings ? { sinkSettings } : {}) });
  }
  return selection;
}

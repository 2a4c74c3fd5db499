import { resolve } from 'node:path';
import { BUILTIN_PATTERN_DIR, DirectoryPatternSource } from '@tapio/correlation';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { loadPluginModules } from '../plugins/load-plugin-modules.js';
import { selectPlugins } from '../plugins/select-plugins.js';
import { UsageError } from './args.js';
import { formatPatternError } from './patterns-validate-command.js';

/**
 * `tapio config check FILE`: what `tapio run` would refuse, found offline: the strict
 * schema (unknown keys, wrong types, with line and column) and the pattern directories
 * of `correlation.patterns`, read together with the built-in patterns the way the
 * correlation stage reads them (so a name clash shows too), and every plugin section
 * against its plugin's own schema (built-in plugins and those listed under `plugins:`),
 * the way `tapio run` selects them, without starting any.
 */
export async function configCheckCommand(file: string): Promise<number> {
  const loaded = await loadConfig(file);
  const thirdParty = await loadPluginModules(loaded.config.plugins, loaded.baseDir);
  const selection = selectPlugins([...BUILTIN_PLUGINS.map((descriptor) => ({ descriptor, origin: 'built-in' })), ...thirdParty.descriptors], loaded);
  if (selection.problems.length) throw new ConfigError(file, selection.problems);
  const pluginFailures = [...thirdParty.failures.map((failure) => failure.message), ...selection.failures.map((failure) => failure.message)];
  for (const message of pluginFailures) process.stderr.write(`${message}\n`);
  if (pluginFailures.length) return 2;
  const { correlation } = loaded.config;
  const directories = [...(correlation.builtinPatterns ? [BUILTIN_PATTERN_DIR] : []), ...correlation.patterns.map((directory) => resolve(loaded.baseDir, directory))];
  let set;
  try {
    set = await new DirectoryPatternSource(directories).load();
  } catch (error) {
    throw new UsageError(`${file}: correlation.patterns: ${(error as Error).message}`);
  }
  for (const error of set.errors) process.stderr.write(`${formatPatternError(error)}\n`);
  if (set.errors.length) {
    process.stderr.write(`${file}: ${set.errors.length} invalid behavior pattern${set.errors.length === 1 ? '' : 's'} in correlation.patterns\n`);
    return 2;
  }
  process.stdout.write(`${file}: valid (${set.patterns.length} behavior patterns, mode ${loaded.config.mode}, bus ${loaded.config.bus.type}, graph ${loaded.config.graph.type})\n`);
  return 0;
}

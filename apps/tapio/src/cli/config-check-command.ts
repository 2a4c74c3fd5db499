import { resolve } from 'node:path';
import { BUILTIN_PATTERN_DIR, DirectoryPatternSource } from '@tapio/correlation';
import { loadConfig } from '../config/load-config.js';
import { UsageError } from './args.js';
import { formatPatternError } from './patterns-validate-command.js';

/**
 * `tapio config check FILE`: what `tapio run` would refuse, found offline: the strict
 * schema (unknown keys, wrong types, with line and column) and the pattern directories
 * of `correlation.patterns`, read together with the built-in patterns the way the
 * correlation stage reads them (so a name clash shows too). Plugin sections are
 * validated by their plugins when Tapio starts.
 */
export async function configCheckCommand(file: string): Promise<number> {
  const loaded = await loadConfig(file);
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

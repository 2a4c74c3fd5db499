import { existsSync } from 'node:fs';
import { loadConfig, parseConfig, type LoadedConfig } from '../config/load-config.js';
import { stringFlag, type ParsedArgs } from './args.js';

/** The configuration a command runs with: `--config FILE`, else ./tapio.yaml when present, else the defaults. */
export async function loadConfigFromArgs(args: ParsedArgs): Promise<LoadedConfig> {
  const file = stringFlag(args, 'config');
  if (file) return loadConfig(file);
  if (existsSync('tapio.yaml')) return loadConfig('tapio.yaml');
  return parseConfig('{}', '(defaults)');
}

import { readdir } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { DirectoryPatternSource } from '@tapio/correlation';
import type { PatternLoadError } from '@tapio/domain';
import { UsageError } from './args.js';

export const formatPatternError = (error: PatternLoadError): string =>
  `${error.file}${error.line ? `:${error.line}${error.column ? `:${error.column}` : ''}` : ''}: ${error.reason}`;

/**
 * `tapio patterns validate DIR`: reads a pattern directory exactly as a running Tapio
 * would, offline. Exit 0 when every file is valid, 2 with each problem's file and line.
 */
export async function patternsValidateCommand(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new UsageError(`cannot read the pattern directory ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const files = names.filter((name) => ['.yaml', '.yml'].includes(extname(name)));
  if (files.length === 0) throw new UsageError(`no pattern files (*.yaml, *.yml) in ${dir}`);
  const set = await new DirectoryPatternSource([resolve(dir)]).load();
  for (const error of set.errors) process.stderr.write(`${formatPatternError(error)}\n`);
  process.stdout.write(`${set.patterns.length} valid pattern${set.patterns.length === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}${set.errors.length ? `; ${set.errors.length} problem${set.errors.length === 1 ? '' : 's'}` : ''}\n`);
  return set.errors.length ? 2 : 0;
}

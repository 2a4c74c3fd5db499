import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BehaviorPattern } from '@tapio/domain';
import { parsePatternFile } from './parse-pattern-file.js';

/**
 * Pre-parsed pattern files, by the SHA-256 of each file's text. Parsing the built-in YAML
 * (YAML, zod, RE2 compilation) was about a sixth of a one-line `tapio analyze`; the build
 * parses them once (`tools/build-pattern-bundle.mjs`) and a loader takes a file's patterns
 * from the bundle when its text is exactly the text that was parsed, and parses it
 * otherwise. An edited, added or stale file is therefore read as before.
 */
export type PatternBundle = ReadonlyMap<string, BehaviorPattern[]>;

/** Where the build writes the built-in patterns' bundle (beside the compiled code, not in src). */
export const BUILTIN_PATTERN_BUNDLE = fileURLToPath(new URL('../builtin-patterns.json', import.meta.url));

export function patternTextKey(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every YAML file of `directory`, parsed as the directory source parses it; an invalid file throws, naming it. */
export function bundlePatternDirectory(directory: string): Record<string, BehaviorPattern[]> {
  const bundle: Record<string, BehaviorPattern[]> = {};
  for (const name of readdirSync(directory).filter((entry) => entry.endsWith('.yaml') || entry.endsWith('.yml')).sort()) {
    const file = join(directory, name);
    const text = readFileSync(file, 'utf8');
    const parsed = parsePatternFile(text, file);
    if (parsed.errors.length) {
      throw new Error(`pattern file is invalid: ${parsed.errors.map((error) => `${error.file}:${error.line ?? '?'}:${error.column ?? '?'} ${error.reason}`).join('; ')}`);
    }
    bundle[patternTextKey(text)] = parsed.patterns;
  }
  return bundle;
}

/**
 * The bundle written at `file`, or an empty one when there is none (the sources run
 * unbuilt, in tests). Parsed afresh on each call, so no two loaders share pattern objects.
 */
export function readPatternBundle(file: string = BUILTIN_PATTERN_BUNDLE): PatternBundle {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  return new Map(Object.entries(JSON.parse(text) as Record<string, BehaviorPattern[]>));
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BehaviorPattern } from '@tapio/domain';
import { parsePatternFile } from './parse-pattern-file.js';

/** The behavior patterns that ship with Tapio (YAML, one per file). */
export const BUILTIN_PATTERN_DIR = fileURLToPath(new URL('../../patterns/', import.meta.url));

/**
 * The shipped patterns, read once and parsed as the directory source parses them, in file
 * name order: for one-shot engines (benchmarks, tests) that need no watching. A broken
 * built-in file is a packaging error and throws, naming the file and its errors.
 */
export function loadBuiltinPatterns(): BehaviorPattern[] {
  return readdirSync(BUILTIN_PATTERN_DIR)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .flatMap((name) => {
      const file = join(BUILTIN_PATTERN_DIR, name);
      const parsed = parsePatternFile(readFileSync(file, 'utf8'), file);
      if (parsed.errors.length) {
        throw new Error(`built-in pattern file is invalid: ${parsed.errors.map((error) => `${error.file}:${error.line ?? '?'}:${error.column ?? '?'} ${error.reason}`).join('; ')}`);
      }
      return parsed.patterns;
    });
}

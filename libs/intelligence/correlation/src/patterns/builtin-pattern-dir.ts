import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BehaviorPattern } from '@tapio/domain';
import { BUILTIN_PATTERN_DIR } from './builtin-dir-path.js';
import { bundledByStamp, readPatternBundle, patternTextKey } from './pattern-bundle.js';
import { parsePatternFile } from './parse-pattern-file.js';

export { BUILTIN_PATTERN_DIR };

/**
 * The shipped patterns, read once and parsed as the directory source parses them, in file
 * name order: for one-shot engines (benchmarks, tests) that need no watching. A broken
 * built-in file is a packaging error and throws, naming the file and its errors. Files
 * whose text the build's bundle holds are taken from it (see pattern-bundle.ts).
 */
export function loadBuiltinPatterns(): BehaviorPattern[] {
  const bundle = readPatternBundle();
  return readdirSync(BUILTIN_PATTERN_DIR)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .flatMap((name) => {
      const file = join(BUILTIN_PATTERN_DIR, name);
      const stamped = bundledByStamp(bundle, file, statSync(file));
      if (stamped) return stamped.patterns;
      const text = readFileSync(file, 'utf8');
      const preparsed = bundle.get(patternTextKey(text));
      if (preparsed) return preparsed;
      const parsed = parsePatternFile(text, file);
      if (parsed.errors.length) {
        throw new Error(`built-in pattern file is invalid: ${parsed.errors.map((error) => `${error.file}:${error.line ?? '?'}:${error.column ?? '?'} ${error.reason}`).join('; ')}`);
      }
      return parsed.patterns;
    });
}

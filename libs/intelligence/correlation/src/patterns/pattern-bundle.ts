import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BehaviorPattern } from '@tapio/domain';
import { BUILTIN_PATTERN_DIR } from './builtin-dir-path.js';
import { parsePatternFile } from './parse-pattern-file.js';

/** A bundled file as the build saw it: its size and modification time, and the SHA-256 of its text. */
export interface PatternFileStamp {
  size: number;
  mtimeMs: number;
  key: string;
}

/**
 * Pre-parsed pattern files, by the SHA-256 of each file's text. Parsing the built-in YAML
 * (YAML, zod, RE2 compilation) was about a sixth of a one-line `tapio analyze`; the build
 * parses them once (`tools/build-pattern-bundle.mjs`) and a loader takes a file's patterns
 * from the bundle when its text is exactly the text that was parsed, and parses it
 * otherwise. An edited, added or stale file is therefore read as before.
 *
 * `stamps` (by absolute path) let the first load skip reading and hashing a file whose size
 * and modification time are still those the build saw, as make and git judge a file
 * unchanged; any difference in either falls back to reading and hashing the text.
 */
export interface PatternBundle extends ReadonlyMap<string, BehaviorPattern[]> {
  readonly stamps?: ReadonlyMap<string, PatternFileStamp>;
}

/** The bundle file's JSON: the patterns by text key, and each bundled file's stamp by its name in the directory. */
export interface PatternBundleFile {
  patterns: Record<string, BehaviorPattern[]>;
  files: Record<string, PatternFileStamp>;
}

/** Where the build writes the built-in patterns' bundle (beside the compiled code, not in src). */
export const BUILTIN_PATTERN_BUNDLE = fileURLToPath(new URL('../builtin-patterns.json', import.meta.url));

export function patternTextKey(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every YAML file of `directory`, parsed as the directory source parses it; an invalid file throws, naming it. */
export function bundlePatternDirectory(directory: string): PatternBundleFile {
  const bundle: PatternBundleFile = { patterns: {}, files: {} };
  for (const name of readdirSync(directory).filter((entry) => entry.endsWith('.yaml') || entry.endsWith('.yml')).sort()) {
    const file = join(directory, name);
    const stat = statSync(file);
    const text = readFileSync(file, 'utf8');
    const parsed = parsePatternFile(text, file);
    if (parsed.errors.length) {
      throw new Error(`pattern file is invalid: ${parsed.errors.map((error) => `${error.file}:${error.line ?? '?'}:${error.column ?? '?'} ${error.reason}`).join('; ')}`);
    }
    const key = patternTextKey(text);
    bundle.patterns[key] = parsed.patterns;
    // The stamp is taken before the read: a file written during the build gets a stamp older than its text, never one that matches a newer text.
    bundle.files[name] = { size: stat.size, mtimeMs: stat.mtimeMs, key };
  }
  return bundle;
}

/**
 * The bundle written at `file` (its stamps for the files of `directory`), or an empty one
 * when there is none (the sources run unbuilt, in tests). Parsed afresh on each call, so no
 * two loaders share pattern objects.
 */
export function readPatternBundle(file: string = BUILTIN_PATTERN_BUNDLE, directory: string = BUILTIN_PATTERN_DIR): PatternBundle {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const content = JSON.parse(text) as Partial<PatternBundleFile>;
  const stamps = new Map(Object.entries(content.files ?? {}).map(([name, stamp]) => [join(directory, name), stamp]));
  return Object.assign(new Map(Object.entries(content.patterns ?? {})), { stamps });
}

/** The bundled patterns of `file` when its size and mtime are those the build saw, with the key of its text. */
export function bundledByStamp(bundle: PatternBundle | undefined, file: string, stat: { size: number; mtimeMs: number }): { key: string; patterns: BehaviorPattern[] } | undefined {
  const stamp = bundle?.stamps?.get(file);
  if (!stamp || stamp.size !== stat.size || stamp.mtimeMs !== stat.mtimeMs) return undefined;
  const patterns = bundle?.get(stamp.key);
  return patterns ? { key: stamp.key, patterns } : undefined;
}

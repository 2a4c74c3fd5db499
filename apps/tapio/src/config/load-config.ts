import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import { duplicateKeys, firstAlias, MAX_ALIAS_COUNT } from '@tapio/correlation';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';
import { TapioConfig } from './schema.js';

export { ConfigError };

export interface LoadedConfig {
  config: TapioConfig;
  file: string;
  /** Folder relative plugin paths and file settings resolve against. */
  baseDir: string;
  /** Where a YAML path is in the file, for errors reported later (plugin sections). */
  locate(path: readonly PropertyKey[]): { line: number; column: number } | undefined;
  /** Where a key itself stands in the mapping at `parent` (for "no such section" errors). */
  locateKey(parent: readonly PropertyKey[], key: string): { line: number; column: number } | undefined;
  /** A schema's issues about the section at `prefix` as located problems, the way the core settings report theirs (an unknown key at the key). */
  problems(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): ConfigError['problems'];
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function position(lines: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function locator(document: Document, lines: LineCounter) {
  return (path: readonly PropertyKey[]): { line: number; column: number } | undefined => {
    for (let length = path.length; length >= 0; length -= 1) {
      const node = document.getIn(path.slice(0, length) as unknown[], true) as YamlNode | undefined;
      const offset = node?.range?.[0];
      if (offset !== undefined) return position(lines, offset);
    }
    return undefined;
  };
}

/**
 * Where keys themselves stand (for "unknown key" errors, which point at the key, not the
 * value). Each map's keys are indexed once: looking each key up by scanning its map made
 * 200,000 unknown keys take minutes.
 */
function keyLocator(document: Document, lines: LineCounter) {
  const indexes = new Map<string, Map<string, number>>();
  return (parent: readonly PropertyKey[], key: string) => {
    const id = JSON.stringify(parent);
    let index = indexes.get(id);
    if (!index) {
      index = new Map();
      const map = (parent.length ? document.getIn(parent as unknown[], true) : document.contents) as { items?: Array<{ key: YamlNode & { value?: unknown } }> } | undefined;
      for (const pair of map?.items ?? []) {
        const offset = pair.key?.range?.[0];
        if (isScalar(pair.key) && offset !== undefined && !index.has(String(pair.key.value))) index.set(String(pair.key.value), offset);
      }
      indexes.set(id, index);
    }
    const offset = index.get(key);
    return offset !== undefined ? position(lines, offset) : undefined;
  };
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index ? `.${String(part)}` : String(part))).join('');
}

/** Turns zod issues into located problems. */
export function zodProblems(document: Document, lines: LineCounter, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []) {
  const locate = locator(document, lines);
  const locateKey = keyLocator(document, lines);
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...path, key]), ...locateKey(path, key), message: `unknown key "${key}"` }));
    }
    return [{ path: formatPath(path), ...locate(path), message: issue.message }];
  });
}

/** The YAML path of a node from the visitor's ancestors: map keys and sequence indexes. */
function yamlPath(ancestors: readonly unknown[]): string {
  const parts: PropertyKey[] = [];
  ancestors.forEach((ancestor, index) => {
    if (isPair(ancestor) && isScalar(ancestor.key)) parts.push(String(ancestor.key.value));
    else if (isSeq(ancestor)) parts.push(ancestor.items.indexOf(ancestors[index + 1] as never));
  });
  return formatPath(parts);
}

/** Replaces ${VAR} and ${VAR:-default} in every string scalar; a missing variable is an error with its place. */
function substituteEnv(document: Document, lines: LineCounter, env: NodeJS.ProcessEnv, file: string): void {
  const problems: ConfigError['problems'] = [];
  visit(document, {
    Scalar(_key, node, path) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      node.value = node.value.replace(ENV_REFERENCE, (_match, name: string, fallback: string | undefined) => {
        const value = env[name];
        if (value !== undefined) return value;
        if (fallback !== undefined) return fallback;
        const offset = node.range?.[0];
        const where = offset !== undefined ? position(lines, offset) : undefined;
        problems.push({ path: yamlPath([...path, node]), ...where, message: `environment variable ${name} is not set (write \${${name}:-default} for a default)` });
        return '';
      });
    },
  });
  if (problems.length) throw new ConfigError(file, problems);
}

/** Parses and validates tapio.yaml text. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  if (document.errors.length) {
    throw new ConfigError(
      file,
      document.errors.map((error) => ({ path: '', line: error.linePos?.[0]?.line, column: error.linePos?.[0]?.col, message: error.message.split('\n')[0] ?? error.message })),
    );
  }
  const repeated = duplicateKeys(document, lines);
  if (repeated.length) throw new ConfigError(file, repeated.map((problem) => ({ path: '', ...problem })));
  substituteEnv(document, lines, env, file);
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    // An alias bomb (aliases of aliases expanding to millions of nodes) ends here.
    throw new ConfigError(file, [{ path: '', ...firstAlias(document, lines), message: `cannot read the configuration: ${(error as Error).message}` }]);
  }
  const result = TapioConfig.safeParse(raw);
  if (!result.success) throw new ConfigError(file, zodProblems(document, lines, result.error.issues));
  return {
    config: result.data,
    file,
    baseDir: dirname(resolve(file)),
    locate: locator(document, lines),
    locateKey: keyLocator(document, lines),
    problems: (issues, prefix) => zodProblems(document, lines, issues, prefix),
  };
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the configuration file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` }]);
  }
  return parseConfig(text, file, env);
}

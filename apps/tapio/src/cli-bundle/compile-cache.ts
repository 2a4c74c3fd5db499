import { isAscii } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

/**
 * Where V8's code cache of the tapio command is kept: somewhere the user can write, never
 * beside the code (dist/ may be read-only, shared, or replaced by the next build).
 * `NODE_COMPILE_CACHE` when set (the directory Node's own cache would use), else
 * `$XDG_CACHE_HOME/tapio/compile-cache`, else `~/.cache/tapio/compile-cache`.
 */
export function compileCacheDir(env: NodeJS.ProcessEnv, home: () => string = homedir): string {
  if (env['NODE_COMPILE_CACHE']) return env['NODE_COMPILE_CACHE'];
  const base = env['XDG_CACHE_HOME'] ? env['XDG_CACHE_HOME'] : join(home(), '.cache');
  return join(base, 'tapio', 'compile-cache');
}

/** A short digest of a string (32-bit FNV-1a, hex): names a file; node:crypto would cost more to load than all else here. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The cache file of one bundle entry run as one command: named by the entry, the command
 * (each command keeps the code of what it calls: `tapio version` does not read the code
 * `tapio analyze` compiled, and a command run first does not decide what the others find),
 * the bundle's build id, and a digest of what else decides whether V8 accepts the code
 * (Node's version, the CPU architecture, the command line's flags, the file's size and
 * mtime), so that runs with other flags keep their own file instead of rewriting one another's. Undefined when no cache is
 * kept: `NODE_DISABLE_COMPILE_CACHE=1`; `NODE_V8_COVERAGE` (code from a cache would report
 * imprecise coverage); no home directory to be found.
 */
export function compileCacheFile(entry: string, command: string, buildId: string, env: NodeJS.ProcessEnv = process.env, home: () => string = homedir): string | undefined {
  if (env['NODE_DISABLE_COMPILE_CACHE'] === '1' || env['NODE_V8_COVERAGE']) return undefined;
  let dir: string;
  try {
    dir = compileCacheDir(env, home);
  } catch {
    return undefined;
  }
  // The file's own size and mtime too: V8 checks a cache against the source's length only,
  // so a file edited in place to the same length would otherwise run old code.
  const file = statSync(entry, { throwIfNoEntry: false });
  const flags = fnv1a(`${process.version}\0${process.arch}\0${process.execArgv.join('\0')}\0${env['NODE_OPTIONS'] ?? ''}\0${file?.size}\0${file?.mtimeMs}`);
  const name = /^[a-z][a-z-]*$/.test(command) ? command : 'other';
  return join(dir, `${basename(entry)}-${name}-${buildId}-${flags}.v8`);
}

/** The folder beside a bundle entry where the build leaves the caches of its own first runs (tools/seed-code-cache.mjs). */
export const SEED_DIR = 'code-cache';

/**
 * The cache the build made for this entry, command and flags, read only: a user's first
 * run of a command then starts as fast as the next ones, instead of compiling the bundle
 * and writing its cache first. Named as the user's file is, so another Node version,
 * other flags, or a copy that changed the bundle's size or mtime finds none and runs as
 * without it. None where the user's cache is off (undefined `cacheFile`).
 */
export function seedCacheFile(entry: string, cacheFile: string | undefined): string | undefined {
  return cacheFile === undefined ? undefined : join(dirname(entry), SEED_DIR, basename(cacheFile));
}

/**
 * The command a command line runs, for naming its cache: its first word that is not an
 * option (`tapio analyze x.ndjson` runs `analyze`; two-word commands such as `patterns
 * validate` go by their first), `main` when there is none (`tapio --help`). Only a name:
 * a command line it reads wrongly gets a cache file of its own, never another's code.
 */
export function commandOf(argv: readonly string[]): string {
  return argv.find((arg) => !arg.startsWith('-')) ?? 'main';
}

/** What running a file through the cache did (for tests and benchmarks). */
export interface CachedRun {
  /** The cache file used, when there is one. */
  readonly cacheFile: string | undefined;
  /** A cache was read and V8 took it: nothing of what it held was compiled again. */
  readonly fromCache: boolean;
  /** That cache was the build's (`seedCacheFile`): the user had none of their own. */
  readonly fromSeed: boolean;
}

function readCache(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes the code V8 holds for `script` now, after the run: the functions the command
 * called are compiled by then, so the next run compiles none of them (made before the run,
 * the cache would hold the top level only: 0.277 s instead of 0.227 s for a one-line
 * analyze). Through a temporary file and a rename, so a reader never sees half a cache;
 * caches of earlier builds of the same entry are removed. Never fails the command.
 */
function writeCache(file: string, script: vm.Script, entry: string, buildId: string): void {
  const dir = dirname(file);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, file);
    const sameEntry = `${basename(entry)}-`;
    for (const name of readdirSync(dir)) {
      if (name.startsWith(sameEntry) && !name.includes(`-${buildId}-`)) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // A directory that cannot be written (read-only home, a full disk, a file in the way):
    // the command runs uncached, and leaves no half-written file behind.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written there.
    }
  }
}

/**
 * Runs a CommonJS file (the bundled command, tools/build-cli-bundle.mjs) as Node's loader
 * would, but compiled from V8's code cache in `cacheFile` when there is one V8 accepts.
 * Node 20 has no compile cache of its own, and none for ES modules at all: this is why the
 * bundle is CommonJS. Without a cache of the user's, the build's (`seedFile`) is read. The
 * user's cache is written at exit when V8 took neither (none, a corrupt file, another V8);
 * the build's is never written. Modules the file imports (third-party plugins named in
 * tapio.yaml) go through Node's own ES module loader, by the `import()` given below.
 *
 * (v8-compile-cache does this for every `require`, but makes its cache before the code runs,
 * which holds the top level only, and gives the code no `import()`.)
 */
export function runCachedCommonJs(entry: string, buildId: string, cacheFile: string | undefined, seedFile?: string): CachedRun {
  // esbuild writes ASCII (it escapes the rest): read as such, that is half the time of
  // decoding UTF-8; a file that is not ASCII after all is decoded as UTF-8.
  const bytes = readFileSync(entry);
  // A hashbang is valid only at the very start of a script: keep its line as a comment.
  const text = (isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')).replace(/^#!/, '//');
  const own = readCache(cacheFile);
  const cached = own ?? readCache(seedFile);
  // The wrapper stands on a line of its own, so the file's own lines and columns are the
  // script's (stack traces and their source map agree).
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${text}\n})`, {
    filename: entry,
    lineOffset: -1,
    ...(cached ? { cachedData: cached } : {}),
  });
  const fromCache = cached !== undefined && !script.cachedDataRejected;
  if (cacheFile && !fromCache) process.once('exit', () => writeCache(cacheFile, script, entry, buildId));
  // The script's `import()` (third-party plugins, load-plugin-modules.ts) is this module's:
  // a vm script may not import on Node 20 (only behind --experimental-vm-modules, or with an
  // experimental loader constant that warns on stderr). Resolved from this folder, beside
  // the modules' own.
  (globalThis as Record<symbol, unknown>)[Symbol.for('tapio.importModule')] = (specifier: string) => import(specifier);
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  const module = { exports: {}, filename: entry, id: entry, loaded: false };
  run.call(module.exports, module.exports, createRequire(entry), module, entry, dirname(entry));
  module.loaded = true;
  return { cacheFile, fromCache, fromSeed: fromCache && own === undefined };
}

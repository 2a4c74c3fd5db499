import { homedir } from 'node:os';
import { join } from 'node:path';

/** The part of `node:module` this file uses: `enableCompileCache` exists from Node 22.1 on. */
export interface CompileCacheModule {
  enableCompileCache?: (directory?: string) => { status: number; message?: string; directory?: string };
}

/**
 * Where V8's code cache of the tapio command is kept: somewhere the user can write, never
 * beside the code (dist/ may be read-only, shared, or replaced by the next build).
 * `$XDG_CACHE_HOME/tapio/compile-cache`, else `~/.cache/tapio/compile-cache`.
 */
export function compileCacheDir(env: NodeJS.ProcessEnv, home: () => string = homedir): string {
  const base = env['XDG_CACHE_HOME'] ? env['XDG_CACHE_HOME'] : join(home(), '.cache');
  return join(base, 'tapio', 'compile-cache');
}

/**
 * Turns on Node's compile cache (Node >= 22.1) for every module loaded after this call, so a
 * short command compiles the ~1.6 MB of bundled source it loads once per build and then reads
 * V8's code instead (a one-line `tapio analyze` on Node 22: 0.325 -> 0.274 s of CPU,
 * docs/benchmarks.md). Node keys each entry by the file's content, its own version and V8's
 * flags, writes it at exit and recompiles what is missing, rejected or corrupt; a directory
 * that cannot be written leaves the command uncached, never failing (status FAILED, no throw).
 * On Node 20 there is no such call and nothing happens. `NODE_COMPILE_CACHE` (a directory)
 * and `NODE_DISABLE_COMPILE_CACHE=1` keep their meaning: Node reads them itself.
 */
export function enableCompileCache(mod: CompileCacheModule, env: NodeJS.ProcessEnv = process.env, home: () => string = homedir): string | undefined {
  if (typeof mod.enableCompileCache !== 'function') return undefined;
  try {
    return mod.enableCompileCache(env['NODE_COMPILE_CACHE'] || compileCacheDir(env, home)).directory;
  } catch {
    // A home directory that cannot be found (homedir() throws without HOME and a passwd entry): run uncached.
    return undefined;
  }
}

import { describe, expect, it } from 'vitest';
import { compileCacheDir, enableCompileCache, type CompileCacheModule } from './compile-cache.js';

const home = () => '/home/someone';

/** A `node:module` with enableCompileCache (Node >= 22.1), recording the directories it was given. */
function nodeWithCache(): CompileCacheModule & { calls: Array<string | undefined> } {
  const calls: Array<string | undefined> = [];
  return { calls, enableCompileCache: (directory) => (calls.push(directory), { status: 1, directory }) };
}

describe('compileCacheDir', () => {
  it('is under XDG_CACHE_HOME when set, else ~/.cache, never beside the code', () => {
    expect(compileCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }, home)).toBe('/var/cache/me/tapio/compile-cache');
    expect(compileCacheDir({}, home)).toBe('/home/someone/.cache/tapio/compile-cache');
    expect(compileCacheDir({ XDG_CACHE_HOME: '' }, home)).toBe('/home/someone/.cache/tapio/compile-cache');
  });
});

describe('enableCompileCache', () => {
  it('does nothing on a Node without module.enableCompileCache (Node 20)', () => {
    expect(enableCompileCache({}, {}, home)).toBeUndefined();
  });

  it("enables Node's cache in the user's cache directory", () => {
    const node = nodeWithCache();
    expect(enableCompileCache(node, { XDG_CACHE_HOME: '/c' }, home)).toBe('/c/tapio/compile-cache');
    expect(node.calls).toEqual(['/c/tapio/compile-cache']);
  });

  it('keeps a directory named by NODE_COMPILE_CACHE', () => {
    const node = nodeWithCache();
    enableCompileCache(node, { NODE_COMPILE_CACHE: '/elsewhere', XDG_CACHE_HOME: '/c' }, home);
    expect(node.calls).toEqual(['/elsewhere']);
  });

  it('runs uncached when no home directory can be found', () => {
    const node = nodeWithCache();
    const noHome = () => {
      throw new Error('no home');
    };
    expect(enableCompileCache(node, {}, noHome)).toBeUndefined();
    expect(node.calls).toEqual([]);
  });
});

import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commandOf, compileCacheDir, compileCacheFile, fnv1a, runCachedCommonJs, seedCacheFile } from './compile-cache.js';

/** What the scripts run here leave on globalThis. */
const globals = globalThis as unknown as Record<string, unknown>;

const home = () => '/home/someone';

describe('compileCacheDir', () => {
  it('is under XDG_CACHE_HOME when set, else ~/.cache, never beside the code', () => {
    expect(compileCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }, home)).toBe('/var/cache/me/tapio/compile-cache');
    expect(compileCacheDir({}, home)).toBe('/home/someone/.cache/tapio/compile-cache');
    expect(compileCacheDir({ XDG_CACHE_HOME: '' }, home)).toBe('/home/someone/.cache/tapio/compile-cache');
  });

  it('keeps a directory named by NODE_COMPILE_CACHE', () => {
    expect(compileCacheDir({ NODE_COMPILE_CACHE: '/elsewhere', XDG_CACHE_HOME: '/c' }, home)).toBe('/elsewhere');
  });
});

describe('compileCacheFile', () => {
  it('names the entry, the command, the build and the flags', () => {
    const file = compileCacheFile('/opt/tapio/bundle/main.cjs', 'analyze', 'b0b0', { XDG_CACHE_HOME: '/c' }, home);
    expect(file).toMatch(/^\/c\/tapio\/compile-cache\/main\.cjs-analyze-b0b0-[0-9a-f]{8}\.v8$/);
    expect(compileCacheFile('/opt/tapio/bundle/main.cjs', 'why', 'b0b0', { XDG_CACHE_HOME: '/c' }, home)).not.toBe(file);
    // Other flags (NODE_OPTIONS), another file: V8 would refuse the code of the other.
    expect(compileCacheFile('/opt/tapio/bundle/main.cjs', 'analyze', 'b0b0', { XDG_CACHE_HOME: '/c', NODE_OPTIONS: '--max-old-space-size=4096' }, home)).not.toBe(file);
  });

  it('changes with the file itself (size and mtime): V8 checks only the length of the source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapio-cache-name-'));
    try {
      const entry = join(dir, 'main.cjs');
      writeFileSync(entry, 'module.exports = 1;\n');
      utimesSync(entry, new Date(1_000_000), new Date(1_000_000));
      const before = compileCacheFile(entry, 'analyze', 'b1', { XDG_CACHE_HOME: '/c' }, home);
      writeFileSync(entry, 'module.exports = 2;\n');
      utimesSync(entry, new Date(2_000_000), new Date(2_000_000));
      expect(compileCacheFile(entry, 'analyze', 'b1', { XDG_CACHE_HOME: '/c' }, home)).not.toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a command line it cannot read as a command "other", never as a path', () => {
    expect(compileCacheFile('/b/main.cjs', 'x/../../etc', 'b1', { XDG_CACHE_HOME: '/c' }, home)).toMatch(/\/main\.cjs-other-b1-/);
  });

  it('keeps no cache when told not to, under coverage, or without a home directory', () => {
    expect(compileCacheFile('/b/main.cjs', 'analyze', 'b1', { NODE_DISABLE_COMPILE_CACHE: '1' }, home)).toBeUndefined();
    expect(compileCacheFile('/b/main.cjs', 'analyze', 'b1', { NODE_V8_COVERAGE: '/tmp/coverage' }, home)).toBeUndefined();
    const noHome = () => {
      throw new Error('no home');
    };
    expect(compileCacheFile('/b/main.cjs', 'analyze', 'b1', {}, noHome)).toBeUndefined();
  });
});

describe('seedCacheFile', () => {
  it("is the user's file name in the bundle's code-cache folder, and none where the user's cache is off", () => {
    const user = compileCacheFile('/opt/tapio/bundle/main.cjs', 'analyze', 'b0b0', { XDG_CACHE_HOME: '/c' }, home) as string;
    expect(seedCacheFile('/opt/tapio/bundle/main.cjs', user)).toBe(`/opt/tapio/bundle/code-cache/${user.split('/').pop()}`);
    expect(seedCacheFile('/opt/tapio/bundle/main.cjs', undefined)).toBeUndefined();
  });
});

describe('commandOf', () => {
  it('is the first word that is not an option, or main', () => {
    expect(commandOf(['analyze', 'x.ndjson', '--json'])).toBe('analyze');
    expect(commandOf(['--verbose', 'why', 'pod', 'web'])).toBe('why');
    expect(commandOf(['--help'])).toBe('main');
    expect(commandOf([])).toBe('main');
  });
});

describe('fnv1a', () => {
  it('is the 32-bit FNV-1a digest in hex', () => {
    // Reference values of FNV-1a 32.
    expect(fnv1a('')).toBe('811c9dc5');
    expect(fnv1a('a')).toBe('e40c292c');
    expect(fnv1a('foobar')).toBe('bf9cf968');
  });
});

describe('runCachedCommonJs', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A CommonJS file that leaves what it saw on globalThis under `key`. */
  function script(key: string, text = ''): string {
    dir = mkdtempSync(join(tmpdir(), 'tapio-run-cached-'));
    const file = join(dir, 'entry.cjs');
    writeFileSync(file, `#!/usr/bin/env node\n'use strict';\n${text}\nglobalThis[${JSON.stringify(key)}] = { filename: __filename, dirname: __dirname, sep: require('node:path').sep, line: new Error('here').stack.split('\\n')[1] };\n`);
    return file;
  }

  it('runs the file as a CommonJS module: hashbang, require, __filename, __dirname, and its own line numbers', () => {
    const file = script('tapioRunCachedA');
    expect(runCachedCommonJs(file, 'b1', undefined)).toEqual({ cacheFile: undefined, fromCache: false, fromSeed: false });
    const seen = globals['tapioRunCachedA'] as { filename: string; dirname: string; sep: string; line: string } | undefined;
    expect(seen).toMatchObject({ filename: file, dirname: dir, sep: '/' });
    // The Error is made on line 4 of the file: the wrapper adds no line and no column.
    expect(seen?.line).toContain(`${file}:4:`);
  });

  it('runs from source when the cache is corrupt or missing (and says so)', () => {
    const file = script('tapioRunCachedB');
    const corrupt = join(dir, 'corrupt.v8');
    writeFileSync(corrupt, Buffer.alloc(4096, 0xa5));
    expect(runCachedCommonJs(file, 'b1', corrupt).fromCache).toBe(false);
    expect(runCachedCommonJs(file, 'b1', join(dir, 'absent.v8')).fromCache).toBe(false);
    // A corrupt or missing build cache behind a missing user cache: the same. Each a source
    // of its own: V8 reuses what this process compiled before and then reads no cache at all.
    const other = (name: string) => {
      const path = join(dir, `${name}.cjs`);
      writeFileSync(path, `globalThis.tapioRunCached_${name} = 1;\n`);
      return path;
    };
    expect(runCachedCommonJs(other('corruptSeed'), 'b1', join(dir, 'absent.v8'), corrupt)).toMatchObject({ fromCache: false, fromSeed: false });
    expect(runCachedCommonJs(other('absentSeed'), 'b1', join(dir, 'absent.v8'), join(dir, 'absent-seed.v8'))).toMatchObject({ fromCache: false, fromSeed: false });
    expect(globals['tapioRunCachedB']).toBeDefined();
  });

  it('gives the file an import() of Node\'s loader (third-party plugins)', async () => {
    const file = script('tapioRunCachedC', "globalThis.tapioRunCachedImport = globalThis[Symbol.for('tapio.importModule')]('node:path');");
    runCachedCommonJs(file, 'b1', undefined);
    const imported = (await globals['tapioRunCachedImport']) as { join: unknown };
    expect(typeof imported.join).toBe('function');
  });
});

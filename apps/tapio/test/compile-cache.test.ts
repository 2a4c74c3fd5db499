import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const TAPIO = fileURLToPath(new URL('../../../bin/tapio', import.meta.url));
const RECORDING = fileURLToPath(new URL('../../../examples/recordings/configmap-cascade.ndjson', import.meta.url));

describe("./bin/tapio with V8's code cache of its bundle (apps/tapio/src/cli-bundle/compile-cache.ts)", () => {
  let dir: string;
  let expected: string;
  const args = ['analyze', RECORDING, '--json'];
  // Without the developer's own NODE_COMPILE_CACHE, NODE_DISABLE_COMPILE_CACHE or NODE_V8_COVERAGE.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE', 'NODE_V8_COVERAGE'].includes(name)));
  const tapio = (env: NodeJS.ProcessEnv, argv = args) => run(TAPIO, argv, { maxBuffer: 64 << 20, env: { ...inherited, ...env } });
  const cacheFiles = async (cacheHome: string) => (await readdir(join(cacheHome, 'tapio/compile-cache')).catch(() => [] as string[])).sort();
  /**
   * Flags the build's own runs did not have (a default value): no cache the build left beside
   * the bundle (tools/seed-code-cache.mjs) has this name, so the user's cache is made and read
   * as without one.
   */
  const unseeded = { NODE_OPTIONS: '--stack-trace-limit=10' };
  const SEEDS = fileURLToPath(new URL('../dist/bundle/code-cache/', import.meta.url));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-compile-cache-'));
    expected = (await tapio({ TAPIO_NO_BUNDLE: '1' })).stdout;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps one cache per command in the user's cache directory, reads it, and answers byte for byte the same, cold and warm", async () => {
    const cacheHome = join(dir, 'home-cache');
    // With the transformer worker, which has a bundle and a cache of its own (a recording this small runs without one unless told).
    const cold = await tapio({ XDG_CACHE_HOME: cacheHome, TAPIO_TRANSFORM_WORKER: 'on', ...unseeded });
    const written = await cacheFiles(cacheHome);
    expect(written).toEqual([expect.stringMatching(/^main\.cjs-analyze-[0-9a-f]{32}-[0-9a-f]{8}\.v8$/), expect.stringMatching(/^transform-worker\.cjs-worker-[0-9a-f]{32}-[0-9a-f]{8}\.v8$/)]);
    const before = await Promise.all(written.map(async (name) => (await stat(join(cacheHome, 'tapio/compile-cache', name))).mtimeMs));
    const warm = await tapio({ XDG_CACHE_HOME: cacheHome, TAPIO_TRANSFORM_WORKER: 'on', ...unseeded });
    expect([cold.stdout, cold.stderr, warm.stdout, warm.stderr]).toEqual([expected, '', expected, '']);
    // V8 took the cache: it was not written again.
    const after = await Promise.all(written.map(async (name) => (await stat(join(cacheHome, 'tapio/compile-cache', name))).mtimeMs));
    expect(after).toEqual(before);
    // Another command keeps its own.
    await tapio({ XDG_CACHE_HOME: cacheHome, ...unseeded }, ['version']);
    expect((await cacheFiles(cacheHome)).filter((name) => name.startsWith('main.cjs-version-'))).toHaveLength(1);
  });

  it("starts a user's first run from the cache the build left beside the bundle, writes none of the user's, and leaves the build's as it was", async () => {
    const seeds = (await readdir(SEEDS)).sort();
    expect(seeds).toEqual([
      expect.stringMatching(/^main\.cjs-analyze-[0-9a-f]{32}-[0-9a-f]{8}\.v8$/),
      expect.stringMatching(/^main\.cjs-version-[0-9a-f]{32}-[0-9a-f]{8}\.v8$/),
      expect.stringMatching(/^transform-worker\.cjs-worker-[0-9a-f]{32}-[0-9a-f]{8}\.v8$/),
    ]);
    const before = await Promise.all(seeds.map(async (name) => (await stat(join(SEEDS, name))).mtimeMs));
    const cacheHome = join(dir, 'seeded');
    const first = await tapio({ XDG_CACHE_HOME: cacheHome, TAPIO_TRANSFORM_WORKER: 'on' });
    expect([first.stdout, first.stderr]).toEqual([expected, '']);
    // V8 took the build's caches (the command's and the worker's): had it refused one, the user's would have been written.
    expect(await cacheFiles(cacheHome)).toEqual([]);
    expect(await Promise.all(seeds.map(async (name) => (await stat(join(SEEDS, name))).mtimeMs))).toEqual(before);
    // A command the build did not run makes the user's own, as before.
    await tapio({ XDG_CACHE_HOME: cacheHome }, ['help']);
    expect(await cacheFiles(cacheHome)).toEqual([expect.stringMatching(/^main\.cjs-help-/)]);
  });

  it('answers the same when the cache directory cannot be made (a file where it would be)', async () => {
    const notADirectory = join(dir, 'a-file');
    await writeFile(notADirectory, 'not a directory\n');
    const { stdout, stderr } = await tapio({ XDG_CACHE_HOME: notADirectory });
    expect([stdout, stderr]).toEqual([expected, '']);
    expect((await stat(notADirectory)).isFile()).toBe(true);
  });

  it('answers the same from a corrupt cache, and writes it anew', async () => {
    const cacheHome = join(dir, 'corrupt-cache');
    await tapio({ XDG_CACHE_HOME: cacheHome, ...unseeded });
    const files = (await cacheFiles(cacheHome)).map((name) => join(cacheHome, 'tapio/compile-cache', name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) await writeFile(file, Buffer.alloc((await stat(file)).size, 0xa5));
    const { stdout, stderr } = await tapio({ XDG_CACHE_HOME: cacheHome, ...unseeded });
    expect([stdout, stderr]).toEqual([expected, '']);
    const rewritten = await Promise.all(files.map(async (file) => (await readFile(file).catch(() => Buffer.alloc(0))).every((byte) => byte === 0xa5)));
    expect(rewritten.filter(Boolean)).toEqual([]);
  });

  it("removes the caches of earlier builds, keeps other commands' and writes none when told not to", async () => {
    const cacheHome = join(dir, 'old-builds');
    await tapio({ XDG_CACHE_HOME: cacheHome, ...unseeded }, ['version']);
    const folder = join(cacheHome, 'tapio/compile-cache');
    const stale = 'main.cjs-analyze-00000000000000000000000000000000-00000000.v8';
    await writeFile(join(folder, stale), 'an earlier build\n');
    await tapio({ XDG_CACHE_HOME: cacheHome, ...unseeded });
    const names = await cacheFiles(cacheHome);
    expect(names).not.toContain(stale);
    expect(names.filter((name) => name.startsWith('main.cjs-version-'))).toHaveLength(1);
    const none = join(dir, 'disabled');
    expect((await tapio({ XDG_CACHE_HOME: none, NODE_DISABLE_COMPILE_CACHE: '1' })).stdout).toBe(expected);
    expect(await cacheFiles(none)).toEqual([]);
  });
});

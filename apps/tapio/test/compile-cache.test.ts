import { execFile } from 'node:child_process';
import module from 'node:module';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const TAPIO = fileURLToPath(new URL('../../../bin/tapio', import.meta.url));
const RECORDING = fileURLToPath(new URL('../../../examples/recordings/configmap-cascade.ndjson', import.meta.url));
/** Node >= 22.1 keeps a compile cache (apps/tapio/src/cli-bundle/compile-cache.ts); Node 20 has none. */
const CACHING = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe("./bin/tapio with V8's compile cache (Node >= 22.1)", () => {
  let dir: string;
  let expected: string;
  const args = ['analyze', RECORDING, '--json'];
  // Without the developer's own NODE_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE (Node reads them even when empty).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_COMPILE_CACHE' && name !== 'NODE_DISABLE_COMPILE_CACHE'));
  const tapio = (env: NodeJS.ProcessEnv) => run(TAPIO, args, { maxBuffer: 64 << 20, env: { ...inherited, ...env } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-compile-cache-'));
    expected = (await tapio({ TAPIO_NO_BUNDLE: '1', NODE_DISABLE_COMPILE_CACHE: '1' })).stdout;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the cache in the user's cache directory and answers byte for byte the same, cold and warm", async () => {
    const cacheHome = join(dir, 'home-cache');
    const cold = await tapio({ XDG_CACHE_HOME: cacheHome });
    const files = await filesUnder(join(cacheHome, 'tapio/compile-cache'));
    expect(files.length > 0).toBe(CACHING);
    const warm = await tapio({ XDG_CACHE_HOME: cacheHome });
    expect([cold.stdout, cold.stderr, warm.stdout, warm.stderr]).toEqual([expected, '', expected, '']);
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
    await tapio({ XDG_CACHE_HOME: cacheHome });
    const files = await filesUnder(join(cacheHome, 'tapio/compile-cache'));
    for (const file of files) await writeFile(file, Buffer.alloc((await stat(file)).size, 0xa5));
    const { stdout, stderr } = await tapio({ XDG_CACHE_HOME: cacheHome });
    expect([stdout, stderr]).toEqual([expected, '']);
    const rewritten = await Promise.all(files.map(async (file) => (await readFile(file).catch(() => Buffer.alloc(0))).every((byte) => byte === 0xa5)));
    // Node replaced what V8 refused (on Node 20 there was nothing to corrupt).
    expect(rewritten.filter(Boolean)).toEqual([]);
  });
});

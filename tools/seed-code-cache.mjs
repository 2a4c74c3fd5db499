// Runs the bundled command's most used commands once after a build, so that V8's code cache
// of each ships beside the bundle (apps/tapio/dist/bundle/code-cache/, read by
// compile-cache.ts's seedCacheFile when a user has no cache of their own yet): a user's
// first `tapio analyze` then starts as fast as the next ones (the first run otherwise
// compiles the bundle and writes the cache: 0.37 s instead of 0.23 s for one line here).
// The runs are made as bin/tapio makes them (no Node flags, no NODE_OPTIONS), with a cache
// folder of their own, then their files are copied in; a user whose Node, flags or copy of
// the bundle differ finds no file of the same name and runs as before. Called by
// `npm run build` after tools/build-cli-bundle.mjs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// Where the command keeps and looks for caches, from the launcher's own build (no copy of the names here).
import { compileCacheDir, SEED_DIR } from '../apps/tapio/dist/cli-bundle/compile-cache.js';

const root = resolve(import.meta.dirname, '..');
const launcher = join(root, 'apps/tapio/dist/cli-bundle/launch.js');
const seedDir = join(root, 'apps/tapio/dist/bundle', SEED_DIR);
// A recording with an incident in it, so the seed holds the code an answer takes, with the
// transformer worker on, so that the worker's bundle gets its seed too.
const recording = join(root, 'examples/recordings/configmap-cascade.ndjson');
const runs = [
  ['analyze', recording],
  ['version'],
];

// The runs must not find the last build's caches: a run that V8 starts from one writes none.
rmSync(seedDir, { recursive: true, force: true });
const cacheHome = mkdtempSync(join(tmpdir(), 'tapio-seed-cache-'));
try {
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome, TAPIO_TRANSFORM_WORKER: 'on' };
  for (const name of ['NODE_OPTIONS', 'NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE', 'NODE_V8_COVERAGE', 'TAPIO_NO_BUNDLE']) delete env[name];
  for (const args of runs) {
    const result = spawnSync(process.execPath, [launcher, ...args], { env, cwd: cacheHome, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`seed-code-cache: tapio ${args.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr.toString().slice(0, 2_000)}`);
  }
  const madeIn = compileCacheDir(env);
  const made = (existsSync(madeIn) ? readdirSync(madeIn) : []).filter((name) => name.endsWith('.v8'));
  if (made.length === 0) throw new Error('seed-code-cache: the runs left no code cache (is the bundle fresh? tools/build-cli-bundle.mjs first)');
  mkdirSync(seedDir, { recursive: true });
  for (const name of made) copyFileSync(join(madeIn, name), join(seedDir, name));
  console.log(`seed-code-cache: ${made.length} caches in ${seedDir}`);
} finally {
  rmSync(cacheHome, { recursive: true, force: true });
}

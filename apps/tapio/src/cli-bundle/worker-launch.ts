import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mapStackTraces } from './bundle-stack-traces.js';
import { compileCacheFile, runCachedCommonJs, seedCacheFile } from './compile-cache.js';

/**
 * The transformer worker of the bundled command (transform-worker.ts starts it): runs
 * dist/bundle/transform-worker.cjs from V8's code cache, as launch.ts runs the command;
 * uncached, the worker would compile its ~4 MB on every large analysis. The main thread
 * already found the bundle current; the manifest gives the build id that keys the cache.
 */
const bundleDir = new URL('../bundle/', import.meta.url);
const { buildId } = JSON.parse(readFileSync(new URL('manifest.json', bundleDir), 'utf8')) as { buildId: string };
const entry = fileURLToPath(new URL('transform-worker.cjs', bundleDir));
mapStackTraces([entry]);
const cacheFile = compileCacheFile(entry, 'worker', buildId);
runCachedCommonJs(entry, buildId, cacheFile, seedCacheFile(entry, cacheFile));

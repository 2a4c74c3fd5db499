#!/usr/bin/env node
import { mapStackTraces } from './bundle-stack-traces.js';
import { commandOf, compileCacheFile, runCachedCommonJs, seedCacheFile } from './compile-cache.js';
import { freshBundle } from './fresh-bundle.js';
import { prestartTransformWorker, wantsPrestart } from './prestart.js';

/**
 * The tapio command through its bundle (dist/bundle/main.cjs, built by
 * tools/build-cli-bundle.mjs): one file instead of ~400 modules, compiled from V8's code
 * cache after its first run (compile-cache.ts). Used while every file the bundle was built
 * from is unchanged; otherwise (or with TAPIO_NO_BUNDLE=1) the command runs from its
 * modules, exactly as `dist/main.js`, with Node's source maps on.
 */
const bundle = process.env['TAPIO_NO_BUNDLE'] === '1' ? undefined : freshBundle(new URL('../bundle/', import.meta.url), new URL('../../../../', import.meta.url));
// A large analysis's transformer worker starts loading now, beside the command (prestart.ts).
if (wantsPrestart(process.argv.slice(2), process.env)) {
  prestartTransformWorker(bundle ? new URL('./worker-launch.js', import.meta.url) : new URL('../runtime/transform-worker/worker-entry.js', import.meta.url));
}
if (bundle) {
  mapStackTraces([bundle.entry]);
  const cacheFile = compileCacheFile(bundle.entry, commandOf(process.argv.slice(2)), bundle.buildId);
  runCachedCommonJs(bundle.entry, bundle.buildId, cacheFile, seedCacheFile(bundle.entry, cacheFile));
} else {
  process.setSourceMapsEnabled(true);
  await import(new URL('../main.js', import.meta.url).href);
}

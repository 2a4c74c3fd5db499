#!/usr/bin/env node
import module from 'node:module';
import { enableCompileCache } from './compile-cache.js';
import { freshBundle } from './fresh-bundle.js';

/**
 * The tapio command through its bundle (dist/bundle/, built by tools/build-cli-bundle.mjs):
 * a few files instead of ~400 modules, about half of a one-line `tapio analyze`'s CPU.
 * Used while every file the bundle was built from is unchanged; otherwise (or with
 * TAPIO_NO_BUNDLE=1) the command runs from its modules, exactly as `dist/main.js`.
 * On Node >= 22.1 what it loads is compiled from V8's code cache (compile-cache.ts).
 */
enableCompileCache(module as unknown as Parameters<typeof enableCompileCache>[0]);
const bundle = process.env['TAPIO_NO_BUNDLE'] === '1' ? undefined : freshBundle(new URL('../bundle/', import.meta.url), new URL('../../../../', import.meta.url));
await import(bundle?.href ?? new URL('../main.js', import.meta.url).href);

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { LazySourceMap, mapStackTraces } from './bundle-stack-traces.js';
import { runCachedCommonJs } from './compile-cache.js';

/** What the scripts run here leave on globalThis. */
const globals = globalThis as unknown as Record<string, unknown>;

/** A TypeScript file whose third line throws, bundled by esbuild as the command is (minified whitespace, linked map). */
const SOURCE = `export function boom(reason: string): never {
  const message: string = 'boom: ' + reason;
  throw new Error(message);
}
(globalThis as Record<string, unknown>).tapioBoom = boom;
`;

describe('stack traces of the bundle name the TypeScript sources', () => {
  let dir: string;
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function bundled(): Promise<string> {
    dir = mkdtempSync(join(tmpdir(), 'tapio-stack-'));
    writeFileSync(join(dir, 'boom.ts'), SOURCE);
    await build({ entryPoints: [join(dir, 'boom.ts')], outfile: join(dir, 'out/boom.cjs'), bundle: true, format: 'cjs', platform: 'node', sourcemap: 'linked', sourcesContent: false, minifyWhitespace: true, logLevel: 'silent' });
    return join(dir, 'out/boom.cjs');
  }

  it('maps a frame of the generated file to the line and column of the .ts file', async () => {
    const file = await bundled();
    restore = mapStackTraces([file]);
    runCachedCommonJs(file, 'b1', undefined);
    const boom = globals['tapioBoom'] as (reason: string) => never;
    let stack = '';
    try {
      boom('test');
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    const lines = stack.split('\n');
    expect(lines[0]).toBe('Error: boom: test');
    expect(lines[1]).toContain(`boom (${join(dir, 'boom.ts')}:3:`);
    // Frames of other files print as V8 prints them.
    expect(lines.slice(2).join('\n')).toContain('bundle-stack-traces.test.ts');
  });

  it('leaves the position as it is without a readable map, and reads the map only when asked', async () => {
    const file = await bundled();
    const map = new LazySourceMap(file);
    rmSync(`${file}.map`);
    expect(map.lookup(1, 1)).toBeUndefined();
    restore = mapStackTraces([file]);
    runCachedCommonJs(file, 'b1', undefined);
    const boom = globals['tapioBoom'] as (reason: string) => never;
    expect(() => boom('x')).toThrow('boom: x');
    try {
      boom('x');
    } catch (error) {
      expect((error as Error).stack?.split('\n')[1]).toContain(`${file}:`);
    }
  });
});

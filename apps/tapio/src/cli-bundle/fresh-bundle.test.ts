import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freshBundle, staleInput, type BundleInput } from './fresh-bundle.js';

describe('the bundled command is used only while it matches what it was built from', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A tree with two source files and a bundle whose manifest stamps them as they are now. */
  function tree(): { root: URL; bundle: URL; inputs: BundleInput[] } {
    dir = mkdtempSync(join(tmpdir(), 'tapio-fresh-bundle-'));
    writeFileSync(join(dir, 'a.js'), 'export const a = 1;\n');
    writeFileSync(join(dir, 'b.js'), 'export const b = 2;\n');
    const inputs: BundleInput[] = ['a.js', 'b.js'].map((path) => {
      const stats = statSync(join(dir, path));
      return [path, stats.size, stats.mtimeMs];
    });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ buildId: 'b1', inputs }));
    return { root: pathToFileURL(`${dir}/`), bundle: pathToFileURL(`${dir}/`), inputs };
  }

  it('takes the bundle when every input is unchanged', () => {
    const { root, bundle, inputs } = tree();
    expect(staleInput(inputs, root)).toBeUndefined();
    expect(freshBundle(bundle, root)).toEqual({ entry: join(dir, 'main.cjs'), buildId: 'b1' });
  });

  it('names an input touched since (same size, another mtime)', () => {
    const { root, bundle, inputs } = tree();
    utimesSync(join(dir, 'b.js'), new Date(), new Date(Date.now() + 5_000));
    expect(staleInput(inputs, root)).toBe('b.js');
    expect(freshBundle(bundle, root)).toBeUndefined();
  });

  it('names an input whose size changed, or that is gone', () => {
    const { root, inputs } = tree();
    const { mtime } = statSync(join(dir, 'a.js'));
    writeFileSync(join(dir, 'a.js'), 'export const a = 10;\n');
    utimesSync(join(dir, 'a.js'), mtime, mtime);
    expect(staleInput(inputs, root)).toBe('a.js');
    rmSync(join(dir, 'a.js'));
    expect(staleInput(inputs, root)).toBe('a.js');
  });

  it('runs the modules when there is no manifest, or an empty or unreadable one, or one without a build id', () => {
    const { root, bundle, inputs } = tree();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ inputs }));
    expect(freshBundle(bundle, root)).toBeUndefined();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ buildId: 'b1', inputs: [] }));
    expect(freshBundle(bundle, root)).toBeUndefined();
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    expect(freshBundle(bundle, root)).toBeUndefined();
    rmSync(join(dir, 'manifest.json'));
    expect(freshBundle(bundle, root)).toBeUndefined();
  });
});

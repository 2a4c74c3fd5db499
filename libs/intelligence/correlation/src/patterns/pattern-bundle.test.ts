import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_PATTERN_DIR, loadBuiltinPatterns } from './builtin-pattern-dir.js';
import { DirectoryPatternSource } from './directory-pattern-source.js';
import { bundlePatternDirectory, patternTextKey, readPatternBundle } from './pattern-bundle.js';
import { parsePatternFile } from './parse-pattern-file.js';
import { patternYaml } from '../../test/support/pattern-yaml.js';

describe('pre-parsed pattern bundle', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-pattern-bundle-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds the built-in patterns exactly as parsing them gives, after the trip through JSON the build makes', async () => {
    const bundleFile = join(dir, 'bundle.json');
    await writeFile(bundleFile, JSON.stringify(bundlePatternDirectory(BUILTIN_PATTERN_DIR)));
    const bundle = readPatternBundle(bundleFile);
    expect([...bundle.values()].flat()).toStrictEqual(loadBuiltinPatterns());
    const withBundle = await new DirectoryPatternSource([BUILTIN_PATTERN_DIR], { bundle }).load();
    const parsed = await new DirectoryPatternSource([BUILTIN_PATTERN_DIR]).load();
    expect(withBundle).toStrictEqual(parsed);
    expect(withBundle.patterns.length).toBeGreaterThan(10);
  });

  it('a file whose text the bundle holds is taken from it; any other text is parsed', async () => {
    const kept = patternYaml('kept', 'pod_restart');
    await writeFile(join(dir, 'a.yaml'), kept);
    await writeFile(join(dir, 'b.yaml'), patternYaml('edited', 'crash_loop'));
    // The bundle answers for a.yaml's text with another pattern: seeing it proves the bundle was read.
    const bundle = new Map([[patternTextKey(kept), parsePatternFile(patternYaml('from-bundle', 'oom_kill'), 'x.yaml').patterns]]);
    const set = await new DirectoryPatternSource([dir], { bundle }).load();
    expect(set.patterns.map((item) => item.metadata.name)).toEqual(['from-bundle', 'edited']);
    expect(set.errors).toEqual([]);
  });

  it('an invalid file is refused when bundling, naming it', async () => {
    await writeFile(join(dir, 'bad.yaml'), patternYaml('bad', 'pod_restart').replace('operator: equals', 'operator: equalz'));
    expect(() => bundlePatternDirectory(dir)).toThrow(`${join(dir, 'bad.yaml')}:9`);
  });

  it('no bundle written (the sources run unbuilt) is an empty bundle', () => {
    expect(readPatternBundle(join(dir, 'none.json')).size).toBe(0);
  });
});

describe('pre-parsed pattern bundle, size and mtime stamps', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-pattern-stamps-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a file with the size and mtime the build saw is taken by its stamp unread; a touched one is read and judged by its text', async () => {
    await writeFile(join(dir, 'a.yaml'), patternYaml('kept', 'pod_restart'));
    const content = bundlePatternDirectory(dir);
    const stamp = content.files['a.yaml'];
    expect(stamp?.size).toBeGreaterThan(0);
    // The stamp points at patterns no text hashes to: seeing them proves the file was not read.
    content.files['a.yaml'] = { ...stamp!, key: 'stamp-only' };
    content.patterns['stamp-only'] = parsePatternFile(patternYaml('by-stamp', 'oom_kill'), 'x.yaml').patterns;
    const bundleFile = join(dir, 'bundle.json');
    await writeFile(bundleFile, JSON.stringify(content));
    const names = async () => (await new DirectoryPatternSource([dir], { bundle: readPatternBundle(bundleFile, dir) }).load()).patterns.map((item) => item.metadata.name);
    expect(await names()).toEqual(['by-stamp']);
    await utimes(join(dir, 'a.yaml'), new Date(), new Date(Date.now() + 5000));
    expect(await names()).toEqual(['kept']);
  });

  it('a file edited to another text of the same size is read again once its mtime moved', async () => {
    await writeFile(join(dir, 'a.yaml'), patternYaml('aaaa', 'pod_restart'));
    await writeFile(join(dir, 'bundle.json'), JSON.stringify(bundlePatternDirectory(dir)));
    await writeFile(join(dir, 'a.yaml'), patternYaml('bbbb', 'pod_restart'));
    await utimes(join(dir, 'a.yaml'), new Date(), new Date(Date.now() + 5000));
    const set = await new DirectoryPatternSource([dir], { bundle: readPatternBundle(join(dir, 'bundle.json'), dir) }).load();
    expect(set.patterns.map((item) => item.metadata.name)).toEqual(['bbbb']);
  });

  it('the built-in patterns load by their stamps exactly as parsing gives', async () => {
    const bundleFile = join(dir, 'bundle.json');
    await writeFile(bundleFile, JSON.stringify(bundlePatternDirectory(BUILTIN_PATTERN_DIR)));
    const bundle = readPatternBundle(bundleFile);
    expect(bundle.stamps?.size).toBeGreaterThan(10);
    const source = new DirectoryPatternSource([BUILTIN_PATTERN_DIR], { bundle });
    expect(await source.load()).toStrictEqual(await new DirectoryPatternSource([BUILTIN_PATTERN_DIR]).load());
  });
});

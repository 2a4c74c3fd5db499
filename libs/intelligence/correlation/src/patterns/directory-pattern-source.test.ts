import { mkdir, mkdtemp, readlink, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PatternSet } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { CorrelationEngine } from '../engine/correlation-engine.js';
import { DirectoryPatternSource, duplicateReason } from './directory-pattern-source.js';
import { patternYaml } from '../../test/support/pattern-yaml.js';

/** Resolves with the first set the watcher reports that satisfies `ready`. */
function nextSet(sets: PatternSet[], listeners: Array<() => void>, ready: (set: PatternSet) => boolean, timeoutMs = 5000): Promise<PatternSet> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching pattern set within ${timeoutMs} ms; last: ${JSON.stringify(sets.at(-1))}`)), timeoutMs);
    const check = () => {
      const found = sets.find(ready);
      if (found) {
        clearTimeout(timer);
        resolve(found);
        return true;
      }
      return false;
    };
    if (!check()) listeners.push(() => void check());
  });
}

describe('DirectoryPatternSource', () => {
  let dir: string;
  let stop: (() => Promise<void>) | undefined;
  const sets: PatternSet[] = [];
  const listeners: Array<() => void> = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-patterns-'));
    sets.length = 0;
    listeners.length = 0;
  });

  afterEach(async () => {
    await stop?.();
    stop = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function watching(source: DirectoryPatternSource, onSet?: (set: PatternSet) => void): Promise<void> {
    stop = await source.watch((set) => {
      onSet?.(set);
      sets.push(set);
      for (const listener of listeners.splice(0)) listener();
    });
  }

  it('loads every YAML file of the directory and names the file of each pattern', async () => {
    await writeFile(join(dir, 'a.yaml'), patternYaml('alpha', 'pod_restart'));
    await writeFile(join(dir, 'b.yml'), patternYaml('beta', 'crash_loop'));
    await writeFile(join(dir, 'notes.txt'), 'not a pattern');
    const set = await new DirectoryPatternSource([dir]).load();
    expect(set.patterns.map((item) => item.metadata.name)).toEqual(['alpha', 'beta']);
    expect(set.files[join(dir, 'a.yaml')]).toEqual(['alpha']);
    expect(set.errors).toEqual([]);
  });

  it('a missing directory is a clear error naming it', async () => {
    await expect(new DirectoryPatternSource([join(dir, 'nope')]).load()).rejects.toThrow(`pattern directory ${join(dir, 'nope')} cannot be read: ENOENT`);
  });

  it('the same pattern name in two files is an error on the later file', async () => {
    await writeFile(join(dir, 'a.yaml'), patternYaml('alpha', 'pod_restart'));
    await writeFile(join(dir, 'b.yaml'), patternYaml('alpha', 'crash_loop'));
    const set = await new DirectoryPatternSource([dir]).load();
    expect(set.patterns).toHaveLength(1);
    expect(set.errors).toEqual([{ file: join(dir, 'b.yaml'), reason: duplicateReason('alpha', join(dir, 'a.yaml')) }]);
  });

  it('files are taken in code-point order of their paths, the same on every machine (not the locale\'s: "B" before "a")', async () => {
    await writeFile(join(dir, 'a.yaml'), patternYaml('alpha', 'pod_restart'));
    await writeFile(join(dir, 'B.yaml'), patternYaml('alpha', 'crash_loop'));
    const set = await new DirectoryPatternSource([dir]).load();
    expect(set.patterns.map((item) => item.spec.conditions?.[0]?.value)).toEqual(['crash_loop']);
    expect(set.errors).toEqual([{ file: join(dir, 'a.yaml'), reason: duplicateReason('alpha', join(dir, 'B.yaml')) }]);
  });

  it('a changed file is live in the engine within a second (bound 5 s); an invalid edit keeps the previous version; a deleted file goes away', async () => {
    const file = join(dir, 'outage.yaml');
    await writeFile(file, patternYaml('outage', 'service_unavailable'));
    const source = new DirectoryPatternSource([dir], { debounceMs: 20 });
    const engine = new CorrelationEngine([]);
    engine.setPatterns((await source.load()).patterns);
    await watching(source, (set) => engine.setPatterns(set.patterns));

    // Valid edit: the pattern now triggers on another event type.
    const started = performance.now();
    await writeFile(file, patternYaml('outage', 'node_not_ready', 'critical'));
    await nextSet(sets, listeners, (set) => set.patterns[0]?.spec.conditions?.[0]?.value === 'node_not_ready');
    const latencyMs = performance.now() - started;
    expect(latencyMs).toBeLessThan(5000);
    const cluster = new ClusterFixture();
    cluster.node('node-1');
    cluster.advance(10);
    const output = engine.process(cluster.nodeCondition('node-1', 'node_not_ready', 'Ready', 'Unknown'));
    expect(output.insights.map((insight) => [insight.pattern, insight.severity])).toEqual([['outage', 'critical']]);

    // Invalid edit: reported with file, line and reason; the previous version stays active.
    await writeFile(file, patternYaml('outage', 'node_not_ready').replace('operator: equals', 'operator: equalz'));
    const rejected = await nextSet(sets, listeners, (set) => set.errors.length > 0);
    expect(rejected.errors[0]).toMatchObject({ file, line: 9 });
    expect(rejected.errors[0]?.reason).toContain('operator');
    expect(rejected.patterns.map((item) => item.spec.conditions?.[0]?.value)).toEqual(['node_not_ready']);
    expect(engine.patternNames()).toEqual(['outage']);

    // Fixed again, then deleted.
    await writeFile(file, patternYaml('outage', 'service_unavailable'));
    await nextSet(sets, listeners, (set) => set.errors.length === 0 && set.patterns[0]?.spec.conditions?.[0]?.value === 'service_unavailable');
    await unlink(file);
    await nextSet(sets, listeners, (set) => set.patterns.length === 0);
    expect(engine.patternNames()).toEqual([]);
  });

  it('a new file dropped into the directory is picked up', async () => {
    const source = new DirectoryPatternSource([dir], { debounceMs: 20 });
    await source.load();
    await watching(source);
    await writeFile(join(dir, 'new.yaml'), patternYaml('fresh', 'pod_evicted'));
    const set = await nextSet(sets, listeners, (candidate) => candidate.patterns.some((item) => item.metadata.name === 'fresh'));
    expect(set.files[join(dir, 'new.yaml')]).toEqual(['fresh']);
  });

  /**
   * What the kubelet's AtomicWriter does to a mounted ConfigMap: the data goes into a new
   * timestamped folder, a `..data_tmp` symlink to it is renamed over `..data`, every key is
   * a symlink `key -> ..data/key` (created once, removed when the key goes), and the old
   * folder is deleted.
   */
  let generation = 0;
  async function kubeletWrite(files: Record<string, string>): Promise<void> {
    const previous = await readlink(join(dir, '..data')).catch(() => undefined);
    generation += 1;
    const folder = `..2026_12_03_00_00_0${generation}.${process.pid}`;
    await mkdir(join(dir, folder));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, folder, name), text);
    await symlink(folder, join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    for (const name of Object.keys(files)) await symlink(join('..data', name), join(dir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    if (previous) {
      const { readdir } = await import('node:fs/promises');
      for (const name of await readdir(join(dir, previous))) if (!(name in files)) await unlink(join(dir, name));
      await rm(join(dir, previous), { recursive: true });
    }
  }

  for (const mode of ['file system events', 'polling'] as const) {
    it(`a ConfigMap update by the kubelet's ..data symlink swap is reloaded (${mode}); an invalid update keeps the previous version`, async () => {
      generation = 0;
      await kubeletWrite({ 'rules.yaml': patternYaml('outage', 'service_unavailable') });
      const source = new DirectoryPatternSource([dir], { debounceMs: 20, ...(mode === 'polling' ? { pollIntervalMs: 50 } : {}) });
      const initial = await source.load();
      expect(initial.patterns.map((item) => item.spec.conditions?.[0]?.value)).toEqual(['service_unavailable']);
      expect(Object.keys(initial.files)).toEqual([join(dir, 'rules.yaml')]);
      await watching(source);

      await kubeletWrite({ 'rules.yaml': patternYaml('outage', 'node_not_ready') });
      await nextSet(sets, listeners, (set) => set.patterns[0]?.spec.conditions?.[0]?.value === 'node_not_ready');

      await kubeletWrite({ 'rules.yaml': patternYaml('outage', 'node_not_ready').replace('operator: equals', 'operator: equalz') });
      const rejected = await nextSet(sets, listeners, (set) => set.errors.length > 0);
      expect(rejected.errors[0]).toMatchObject({ file: join(dir, 'rules.yaml'), line: 9 });
      expect(rejected.patterns.map((item) => item.spec.conditions?.[0]?.value)).toEqual(['node_not_ready']);

      // A key added and the old one removed in the same update.
      await kubeletWrite({ 'more.yaml': patternYaml('second', 'pod_evicted') });
      const swapped = await nextSet(sets, listeners, (set) => set.patterns.length === 1 && set.patterns[0]?.metadata.name === 'second');
      expect(swapped.errors).toEqual([]);
      expect(Object.keys(swapped.files)).toEqual([join(dir, 'more.yaml')]);
    });
  }
});

import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PatternSet } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { CorrelationEngine } from '../engine/correlation-engine.js';
import { DirectoryPatternSource } from './directory-pattern-source.js';

function pattern(name: string, eventType: string, severity = 'high'): string {
  return `apiVersion: behavior.tapio.io/v1
kind: BehaviorPattern
metadata:
  name: ${name}
spec:
  severity: ${severity}
  conditions:
    - field: type
      operator: equals
      value: ${eventType}
  predictions:
    - type: outage
      confidence_base: 0.9
      message: "${name} seen"
`;
}

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
    await writeFile(join(dir, 'a.yaml'), pattern('alpha', 'pod_restart'));
    await writeFile(join(dir, 'b.yml'), pattern('beta', 'crash_loop'));
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
    await writeFile(join(dir, 'a.yaml'), pattern('alpha', 'pod_restart'));
    await writeFile(join(dir, 'b.yaml'), pattern('alpha', 'crash_loop'));
    const set = await new DirectoryPatternSource([dir]).load();
    expect(set.patterns).toHaveLength(1);
    expect(set.errors).toEqual([{ file: join(dir, 'b.yaml'), reason: `pattern "alpha" is already defined in ${join(dir, 'a.yaml')}` }]);
  });

  it('a changed file is live in the engine within a second (bound 5 s); an invalid edit keeps the previous version; a deleted file goes away', async () => {
    const file = join(dir, 'outage.yaml');
    await writeFile(file, pattern('outage', 'service_unavailable'));
    const source = new DirectoryPatternSource([dir], { debounceMs: 20 });
    const engine = new CorrelationEngine([]);
    engine.setPatterns((await source.load()).patterns);
    await watching(source, (set) => engine.setPatterns(set.patterns));

    // Valid edit: the pattern now triggers on another event type.
    const started = performance.now();
    await writeFile(file, pattern('outage', 'node_not_ready', 'critical'));
    await nextSet(sets, listeners, (set) => set.patterns[0]?.spec.conditions?.[0]?.value === 'node_not_ready');
    const latencyMs = performance.now() - started;
    expect(latencyMs).toBeLessThan(5000);
    const cluster = new ClusterFixture();
    cluster.node('node-1');
    cluster.advance(10);
    const output = engine.process(cluster.nodeCondition('node-1', 'node_not_ready', 'Ready', 'Unknown'));
    expect(output.insights.map((insight) => [insight.pattern, insight.severity])).toEqual([['outage', 'critical']]);

    // Invalid edit: reported with file, line and reason; the previous version stays active.
    await writeFile(file, pattern('outage', 'node_not_ready').replace('operator: equals', 'operator: equalz'));
    const rejected = await nextSet(sets, listeners, (set) => set.errors.length > 0);
    expect(rejected.errors[0]).toMatchObject({ file, line: 9 });
    expect(rejected.errors[0]?.reason).toContain('operator');
    expect(rejected.patterns.map((item) => item.spec.conditions?.[0]?.value)).toEqual(['node_not_ready']);
    expect(engine.patternNames()).toEqual(['outage']);

    // Fixed again, then deleted.
    await writeFile(file, pattern('outage', 'service_unavailable'));
    await nextSet(sets, listeners, (set) => set.errors.length === 0 && set.patterns[0]?.spec.conditions?.[0]?.value === 'service_unavailable');
    await unlink(file);
    await nextSet(sets, listeners, (set) => set.patterns.length === 0);
    expect(engine.patternNames()).toEqual([]);
  });

  it('a new file dropped into the directory is picked up', async () => {
    const source = new DirectoryPatternSource([dir], { debounceMs: 20 });
    await source.load();
    await watching(source);
    await writeFile(join(dir, 'new.yaml'), pattern('fresh', 'pod_evicted'));
    const set = await nextSet(sets, listeners, (candidate) => candidate.patterns.some((item) => item.metadata.name === 'fresh'));
    expect(set.files[join(dir, 'new.yaml')]).toEqual(['fresh']);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphReader, noopGraphStore, silentLogger, type PluginDescriptor } from '@tapio/domain';
import { compose, loadConfig, type LoadedConfig } from '../src/index.js';
import { BUILTIN_PLUGINS } from '../src/plugins/builtin-plugins.js';

/** A correlator plugin as a third party could write one: it keeps the graph it was given, to read it later. */
function graphReadingCorrelator(seen: { graph?: GraphReader }): PluginDescriptor {
  return {
    id: 'graph-reading',
    kind: 'correlator',
    needs: { graph: GraphReader },
    register: async ({ deps }) => {
      seen.graph = deps['graph'] as GraphReader;
      return { correlators: [{ id: 'graph-reading', correlate: () => [] }] };
    },
  } as PluginDescriptor;
}

describe("compose's graph: 'unread' (what tapio analyze composes)", () => {
  let dir: string;
  let loaded: LoadedConfig;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-analyze-graph-'));
    await writeFile(join(dir, 'tapio.yaml'), 'graph:\n  type: memory\n');
    loaded = await loadConfig(join(dir, 'tapio.yaml'), {});
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('stores nothing: the no-op graph store, and no graph topology for the engine to share', async () => {
    const composition = await compose(loaded, silentLogger, BUILTIN_PLUGINS, undefined, { metrics: 'none', graph: 'unread' });
    expect(composition.graph).toBe(noopGraphStore);
    expect(composition.topology).toBeUndefined();
  });

  it('keeps the configured graph when a running plugin needs a graph port, and gives that plugin the same store', async () => {
    const seen: { graph?: GraphReader } = {};
    const composition = await compose(loaded, silentLogger, [...BUILTIN_PLUGINS, graphReadingCorrelator(seen)], undefined, { metrics: 'none', graph: 'unread' });
    expect(composition.graph).not.toBe(noopGraphStore);
    expect(composition.topology).toBeDefined();
    // What the analysis stores, the plugin reads.
    await composition.graph.start();
    await composition.graph.upsertPatterns([{ patternId: 'probe', baseConfidence: 0.5, confidence: 0.5, accuracy: null, feedbackCount: 0, accurateCount: 0, matches: 0, status: 'learning' }]);
    expect((await (seen.graph as GraphReader).patterns()).map((pattern) => pattern.patternId)).toEqual(['probe']);
    await composition.graph.stop();
  });

  it('keeps the configured graph by default', async () => {
    const composition = await compose(loaded, silentLogger, BUILTIN_PLUGINS, undefined, { metrics: 'none' });
    expect(composition.graph).not.toBe(noopGraphStore);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkoutStory } from './graph-fixture.js';
import { startHarness, type Harness } from './neo4j-harness.js';

interface BrowserQuery {
  name: string;
  params: Record<string, unknown>;
  text: string;
}

const FILE = join(import.meta.dirname, '../../../../docs/queries/tapio-browser.cypher');

/** The file's queries: each starts at a "// name:" line and carries its "// params:" example. */
function browserQueries(): BrowserQuery[] {
  const blocks = readFileSync(FILE, 'utf8').split(/^(?=\/\/ name: )/m).slice(1);
  return blocks.map((block) => {
    const name = /^\/\/ name: (\S+)/.exec(block)?.[1];
    const params = /^\/\/ params: (.*)$/m.exec(block)?.[1];
    if (!name || params === undefined) throw new Error(`query block without name or params:\n${block}`);
    const text = block
      .split('\n')
      .filter((line) => !line.startsWith('//'))
      .join('\n')
      .trim()
      .replace(/;$/, '');
    return { name, params: JSON.parse(params) as Record<string, unknown>, text };
  });
}

const queries = browserQueries();
const story = checkoutStory();
// Generous: every test talks to a real Neo4j, and shared CI machines can be slow.
vi.setConfig({ testTimeout: 240_000 });

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  const store = await harness.store();
  await store.write({ topology: story.topology });
  await store.write({ events: story.allEvents });
  await store.write({ correlations: story.correlations });
  await store.upsertPatterns([story.pattern]);
  await store.write({ insights: [story.insight, story.lesserInsight], predictions: [story.prediction] });
  await store.writeFeedback(story.feedback);
  await store.flush();
}, 360_000);
afterAll(async () => harness?.close());

async function run(name: string): Promise<Record<string, unknown>[]> {
  const query = queries.find((candidate) => candidate.name === name);
  if (!query) throw new Error(`no query named ${name} in ${FILE}`);
  const result = await harness.driver.executeQuery(query.text, query.params, { database: 'neo4j' });
  return result.records.map((record) => record.toObject());
}

describe('docs/queries/tapio-browser.cypher', () => {
  it('holds the seed questions and the guide questions', () => {
    expect(queries.map((query) => query.name)).toEqual([
      'why-pod',
      'why-pod-graph',
      'insight-causal-chain',
      'insight-causal-graph',
      'touched-in-window',
      'pods-sharing-changed-configmap',
      'configmap-impact',
      'death-spirals',
      'event-context',
      'pattern-discovery',
      'entity-timeline',
      'recent-insights',
      'pattern-accuracy',
    ]);
  });

  it.each(queries.map((query) => query.name))('%s runs and finds the incident', async (name) => {
    expect((await run(name)).length).toBeGreaterThan(0);
  });

  it('why-pod walks back from the crash loop to the ConfigMap edit', async () => {
    const rows = await run('why-pod');
    expect(rows).toHaveLength(6);
    const crash = rows.find((row) => row.event === 'crash_loop');
    expect(crash).toMatchObject({ root_event: 'config_changed', root_cause: 'ConfigMap shop/checkout-config', chain: ['config_changed', 'rollout_started', 'pod_restart', 'crash_loop'] });
  });

  it('insight-causal-chain lists the explained events in time order', async () => {
    expect((await run('insight-causal-chain')).map((row) => row.event)).toEqual(['config_changed', 'pod_restart', 'crash_loop']);
  });

  it('touched-in-window finds the events of the pods on the node', async () => {
    const rows = await run('touched-in-window');
    expect(rows).toHaveLength(7);
    expect(new Set(rows.map((row) => row.name))).toEqual(new Set(['checkout-abc-1', 'checkout-abc-2']));
  });

  it('pods-sharing-changed-configmap names both pods and their Service', async () => {
    const [row] = await run('pods-sharing-changed-configmap');
    expect(row).toMatchObject({ configmap: 'checkout-config', services: ['checkout'] });
    expect([...(row?.pods as string[])].sort()).toEqual(['checkout-abc-1', 'checkout-abc-2']);
  });

  it('death-spirals, event-context, pattern-discovery, timeline, insights and accuracy give the incident answers', async () => {
    expect(await run('death-spirals')).toEqual([{ namespace: 'shop', pod: 'checkout-abc-1', node: 'node-1', restart_count: 5 }]);
    const [context] = await run('event-context');
    expect(context?.affected_resources).toEqual(['Pod checkout-abc-1']);
    expect(context?.ownership_chain).toEqual(expect.arrayContaining(['ReplicaSet checkout-abc', 'Deployment checkout']));
    expect(context?.root_cause).toEqual([expect.stringMatching(/^config_changed @ 2026-03-02T10:03:12/)]);
    expect(await run('pattern-discovery')).toEqual([
      { cause: 'rollout_started', effect: 'pod_restart', occurrences: 2 },
      { cause: 'config_changed', effect: 'rollout_started', occurrences: 1 },
      { cause: 'pod_restart', effect: 'crash_loop', occurrences: 1 },
    ]);
    expect(await run('entity-timeline')).toHaveLength(7);
    expect((await run('recent-insights')).map((row) => row.id)).toEqual([story.insight.id, story.lesserInsight.id]);
    expect(await run('pattern-accuracy')).toEqual([
      { pattern: 'config-cascade', confidence: 0.8, predictions: 1, feedback: 1, accurate: 1 },
      { pattern: 'endpoint-drop', confidence: null, predictions: 0, feedback: 0, accurate: 0 },
    ]);
  });
});

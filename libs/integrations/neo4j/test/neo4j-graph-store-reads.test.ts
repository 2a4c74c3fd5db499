import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Neo4jGraphStore } from '../src/index.js';
import { checkoutStory, writeCheckoutStory } from './graph-fixture.js';
import { useNeo4jStore } from './neo4j-harness.js';

// Generous: every test talks to a real Neo4j, and shared CI machines can be slow.
vi.setConfig({ testTimeout: 240_000 });

const neo4j = useNeo4jStore({ batchSize: 25 });
const story = checkoutStory();
const writeStory = (target: Neo4jGraphStore) => writeCheckoutStory(target, story);

describe('Neo4jGraphStore reads', () => {
  beforeEach(async () => writeStory(neo4j.store));

  it('reads back exactly what was written', async () => {
    expect(await neo4j.store.event(story.events.configChanged.id)).toEqual(story.events.configChanged);
    expect(await neo4j.store.insight(story.insight.id)).toEqual(story.insight);
    expect(await neo4j.store.prediction(story.prediction.id)).toEqual(story.prediction);
    expect(await neo4j.store.feedbackFor('config-cascade')).toEqual([story.feedback]);
    expect(await neo4j.store.patterns()).toEqual([story.pattern]);
    expect(await neo4j.store.prediction('missing')).toBeUndefined();
    const configMap = story.topology.find((change) => change.op === 'upsert' && change.node.key === story.key(story.refs.configMap));
    expect(await neo4j.store.resource({ kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' })).toEqual(configMap?.op === 'upsert' ? configMap.node : undefined);
  });

  it('why: insights on the pod and its owners, its events newest first, the causal chain earliest first', async () => {
    const answer = await neo4j.store.why({ kind: 'Pod', namespace: 'shop', name: 'checkout-abc-1' }, { since: '2026-03-02T10:00:00Z' });
    expect(answer.known).toBe(true);
    expect(answer.entity).toEqual(story.refs.pod1);
    expect(answer.insights.map((insight) => insight.id)).toEqual([story.insight.id]);
    expect(answer.events.map((event) => event.id)).toEqual([story.events.crashLoop.id, ...[...story.events.restarts].reverse().map((event) => event.id)]);
    expect(answer.causalChain.map((event) => event.id)).toEqual([story.events.configChanged.id, story.events.rollout.id]);
    const unknown = await neo4j.store.why({ kind: 'Pod', namespace: 'shop', name: 'nope' }, {});
    expect(unknown).toMatchObject({ known: false, insights: [], events: [], causalChain: [] });
  });

  it('eventContext: resources, owners, dependencies, correlated events, root cause, consequences', async () => {
    const context = await neo4j.store.eventContext(story.events.crashLoop.id);
    expect(context?.affectedResources).toEqual([story.refs.pod1]);
    expect(context?.ownershipChain).toEqual([story.refs.replicaSet, story.refs.deployment]);
    expect(context?.dependencies.map((ref) => `${ref.kind}/${ref.name}`)).toEqual([
      'ConfigMap/checkout-config',
      'Ingress/shop',
      'NetworkPolicy/deny-all',
      'PersistentVolume/pv-1',
      'PersistentVolumeClaim/checkout-data',
      'Pod/checkout-abc-2',
      'Secret/checkout-db',
      'Service/checkout',
    ]);
    expect(context?.correlatedEvents.map((event) => event.id)).toEqual([...story.events.restarts.map((event) => event.id), story.events.endpoints.id]);
    expect(context?.rootCause?.id).toBe(story.events.configChanged.id);
    const rootContext = await neo4j.store.eventContext(story.events.configChanged.id);
    expect(rootContext?.consequences.map((event) => event.id)).toEqual([
      story.events.rollout.id,
      story.events.pod2Restart.id,
      story.events.restarts[0]?.id,
      story.events.crashLoop.id,
    ]);
    expect(await neo4j.store.eventContext('missing')).toBeUndefined();
  });

  it('impact of a ConfigMap change: pods that mount it, their workloads, services, ingresses and nodes', async () => {
    const impact = await neo4j.store.impact({ kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' });
    expect(impact).toEqual({
      entity: story.refs.configMap,
      known: true,
      pods: [story.refs.pod1, story.refs.pod2],
      workloads: [story.refs.deployment],
      services: [story.refs.service],
      ingresses: [story.refs.ingress],
      nodes: [story.refs.node],
    });
    expect((await neo4j.store.impact({ kind: 'PersistentVolume', name: 'pv-1' })).pods).toHaveLength(2);
    expect((await neo4j.store.impact({ kind: 'Ingress', namespace: 'shop', name: 'shop' })).pods).toHaveLength(2);
    expect((await neo4j.store.impact({ kind: 'ConfigMap', namespace: 'shop', name: 'nope' })).known).toBe(false);
  });

  it('timeline, death spirals and pattern discovery', async () => {
    const timeline = await neo4j.store.timeline(story.refs.pod1, { since: '2026-03-02T10:06:15Z', until: '2026-03-02T10:07:00Z' });
    expect(timeline.map((event) => event.id)).toEqual([...story.events.restarts.slice(1).map((event) => event.id), story.events.crashLoop.id]);
    expect(await neo4j.store.deathSpirals('2026-03-02T10:00:00Z', 3)).toEqual([{ entity: story.refs.pod1, restarts: 5 }]);
    expect(await neo4j.store.deathSpirals('2026-03-02T10:06:25Z', 3)).toEqual([]);
    expect(await neo4j.store.patternDiscovery(1)).toEqual([
      { cause: 'rollout_started', effect: 'pod_restart', occurrences: 2 },
      { cause: 'config_changed', effect: 'rollout_started', occurrences: 1 },
      { cause: 'pod_restart', effect: 'crash_loop', occurrences: 1 },
    ]);
    expect(await neo4j.store.patternDiscovery(2)).toHaveLength(1);
  });

  it('pages events and insights with cursors, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await neo4j.store.events({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((event) => event.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const expected = [...story.allEvents].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || (a.id < b.id ? 1 : -1)).map((event) => event.id);
    expect(seen).toEqual(expected);
    const filtered = await neo4j.store.events({ limit: 100, entity: { kind: 'Pod', namespace: 'shop', name: 'checkout-abc-1' }, type: ['pod_restart'], minSeverity: 'medium' });
    expect(filtered.items).toHaveLength(5);
    expect(filtered.nextCursor).toBeNull();
    const insights = await neo4j.store.insights({ limit: 1 });
    expect(insights.items.map((insight) => insight.id)).toEqual([story.lesserInsight.id]);
    const next = await neo4j.store.insights({ limit: 1, cursor: insights.nextCursor ?? '' });
    expect(next.items.map((insight) => insight.id)).toEqual([story.insight.id]);
    expect(next.nextCursor).toBeNull();
    expect((await neo4j.store.insights({ limit: 10, entity: story.refs.pod2 })).items.map((insight) => insight.id)).toEqual([story.insight.id]);
    await expect(neo4j.store.events({ limit: 1, cursor: 'garbage' })).rejects.toThrow(/invalid cursor/);
  });

  it('stats count resources, events, relationships and insights', async () => {
    const stats = await neo4j.store.stats();
    expect(stats).toEqual({ resources: 13, events: story.allEvents.length, relationships: 16 + story.allEvents.length + story.correlations.length, insights: 2 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore, Insight, Page } from '@tapio/domain';
import { Neo4jGraphStore } from '@tapio/neo4j';
import { startNeo4j, type Neo4jTestServer } from '../../../../tools/neo4j/test-server.mjs';
import type { BlastRadius, IncidentTimeline, PredictionAnswer } from '../src/index.js';
import { bearer, harness, READ_TOKEN, WRITE_TOKEN, type Harness } from './support/api-harness.js';
import { replayedGraph } from './support/replayed-graph.js';

/** The graph stores the routes are tested on: the embedded one, and a real Neo4j 5 (tools/neo4j). */
const STORES: Array<{ name: string; open(): Promise<{ graph: GraphStore; close(): Promise<void> }> }> = [
  {
    name: 'memory graph',
    async open() {
      const { graph } = await replayedGraph('configmap-cascade');
      return { graph, close: () => graph.stop() };
    },
  },
  {
    name: 'Neo4j',
    async open() {
      const server: Neo4jTestServer = await startNeo4j();
      const store = new Neo4jGraphStore({ uri: server.uri });
      await store.start();
      const { graph } = await replayedGraph('configmap-cascade', { store });
      return {
        graph,
        async close() {
          await store.stop();
          await server.stop();
        },
      };
    },
  },
];

describe.each(STORES)('what the incident page draws, over the configmap-cascade scenario, on the $name', (store) => {
  let api: Harness;
  let insight: Insight;
  let graph: GraphStore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ graph, close } = await store.open());
    api = await harness(graph);
    insight = ((await api.app.inject({ method: 'GET', url: '/api/v1/insights?pattern=config-cascade' })).json() as Page<Insight>).items[0] as Insight;
    expect(insight.rootCause.entity.name).toBe('checkout-config');
  }, 240_000);
  afterAll(async () => {
    await api?.app.close();
    await close?.();
  }, 60_000);

  const get = (url: string, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url, headers });

  it('puts the root change first on the time axis, then the rollout, the crashes and the lost endpoints', async () => {
    const response = await get(`/api/v1/insights/${insight.id}/timeline`);
    expect(response.statusCode).toBe(200);
    const timeline = response.json() as IncidentTimeline;
    const types: string[] = timeline.events.map((event) => event.type);
    expect(types[0]).toBe('config_changed');
    const first = (type: string) => types.indexOf(type);
    expect(first('workload_spec_changed')).toBeGreaterThan(first('config_changed'));
    expect(first('pod_restart')).toBeGreaterThan(first('workload_spec_changed'));
    expect(first('crash_loop')).toBeGreaterThan(first('pod_restart'));
    expect(types).toContain('endpoints_changed');
    expect(types).not.toContain('resource_updated');
    const stamps = timeline.events.map((event) => Date.parse(event.timestamp));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    // The changed line, computed by the transformer, stored with the event and served as it is.
    expect(timeline.events[0]?.changes).toEqual([{ path: 'data.application.yaml', op: 'changed', lines: [{ line: 12, after: '   applePay: true' }] }]);
  });

  it('draws the blast radius: ConfigMap -> Deployment -> pods -> Service', async () => {
    const response = await get(`/api/v1/insights/${insight.id}/blast-radius`);
    expect(response.statusCode).toBe(200);
    const radius = response.json() as BlastRadius;
    const byRole = (role: string) => radius.nodes.filter((node) => node.role === role).map((node) => node.entity.name);
    expect(byRole('root')).toEqual(['checkout-config']);
    expect(byRole('workload')).toEqual(['checkout']);
    expect(byRole('pod').length).toBeGreaterThanOrEqual(2);
    expect(byRole('service')).toEqual(['checkout']);
    const key = (role: string) => radius.nodes.find((node) => node.role === role)?.key as string;
    expect(radius.edges).toContainEqual({ from: key('root'), to: key('workload'), relation: 'used by' });
    for (const pod of radius.nodes.filter((node) => node.role === 'pod')) {
      expect(radius.edges, pod.key).toContainEqual({ from: key('workload'), to: pod.key, relation: 'owns' });
      expect(radius.edges, pod.key).toContainEqual({ from: pod.key, to: key('service'), relation: 'selected by' });
    }
    expect(radius.nodes.filter((node) => node.symptom).map((node) => node.entity.name)).toContain('checkout-h255j8bmp-5rkwm');
    expect(radius.morePods).toBe(0);
    expect(radius.folded).toEqual([]);
  });

  it('tells whether the prediction came true: open, then what the latest verdict says', async () => {
    const url = `/api/v1/predictions/${insight.predictionId}`;
    const before = (await get(url)).json() as PredictionAnswer;
    expect(before.outcome).toBe('open');
    expect(before.prediction.patternId).toBe('config-cascade');
    const verdict = (accurate: boolean, user: string) =>
      api.app.inject({ method: 'POST', url: '/api/v1/feedback', headers: bearer(WRITE_TOKEN), payload: { prediction_id: insight.predictionId, accurate, user } });
    expect((await verdict(false, 'alice')).statusCode).toBe(201);
    expect(((await get(url)).json() as PredictionAnswer).outcome).toBe('refuted');
    expect((await verdict(true, 'bob')).statusCode).toBe(201);
    const after = (await get(url)).json() as PredictionAnswer;
    expect(after.outcome).toBe('confirmed');
    expect(after.verdicts.map((item) => item.accurate)).toEqual([false, true]);
  });

  it("lists the incident's other predictions with what later events made of them (came true, with the event)", async () => {
    const oom = {
      id: `${insight.predictionId}-oom`,
      patternId: 'memory-limit-approaching',
      insightId: insight.id,
      type: 'oom_kill',
      confidence: 0.6,
      message: 'Container app of Pod shop/checkout-1 will be OOMKilled in about 4 minutes at the current growth',
      impact: [],
      createdAt: '2026-03-02T10:00:00Z',
      expects: { eventTypes: ['oom_killed'], entity: insight.rootCause.entity, container: 'app' },
      deadline: '2026-03-02T10:07:00Z',
      result: { status: 'came_true' as const, at: '2026-03-02T10:04:10Z', eventId: 'evt-kill' },
    };
    await graph.write({ predictions: [oom] });
    await graph.flush();
    const answer = (await get(`/api/v1/predictions/${insight.predictionId}`)).json() as PredictionAnswer;
    expect(answer.others).toEqual([oom]);
    expect(((await get(`/api/v1/predictions/${oom.id}`)).json() as PredictionAnswer).prediction.result).toEqual(oom.result);
  });

  it('answers 404 for what it does not know', async () => {
    for (const url of ['/api/v1/insights/ins-nope/timeline', '/api/v1/insights/ins-nope/blast-radius', '/api/v1/predictions/pred-nope']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().message, url).toContain('nope');
    }
  });

  it('needs the read token when reads are protected', async () => {
    const guarded = await harness(graph, { token: WRITE_TOKEN, readToken: READ_TOKEN, protectReads: true });
    try {
      for (const url of [`/api/v1/insights/${insight.id}/timeline`, `/api/v1/insights/${insight.id}/blast-radius`, `/api/v1/predictions/${insight.predictionId}`]) {
        expect((await guarded.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
        expect((await guarded.app.inject({ method: 'GET', url, headers: bearer(READ_TOKEN) })).statusCode, url).toBe(200);
      }
    } finally {
      await guarded.app.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore, Insight, Page } from '@tapio/domain';
import { Neo4jGraphStore } from '@tapio/neo4j';
import { startNeo4j, type Neo4jTestServer } from '../../../../tools/neo4j/test-server.mjs';
import { harness, type Harness } from './support/api-harness.js';
import { replayedGraph } from './support/replayed-graph.js';

/**
 * One incident per cause over the REST API: the catalog pods cannot attach their volume, so
 * Service shop/catalog loses its endpoints (examples/recordings/generated/callers-refused-volume,
 * kept equal to its generator by apps/tapio/test/folded-incidents.test.ts). The Service's
 * incident is folded into the catalog Deployment's.
 */
const SCENARIO = 'generated/callers-refused-volume';
const STORES: Array<{ name: string; open(): Promise<{ graph: GraphStore; close(): Promise<void> }> }> = [
  {
    name: 'memory graph',
    async open() {
      const { graph } = await replayedGraph(SCENARIO, { releaseHeld: true });
      return { graph, close: () => graph.stop() };
    },
  },
  {
    name: 'Neo4j',
    async open() {
      const server: Neo4jTestServer = await startNeo4j();
      const store = new Neo4jGraphStore({ uri: server.uri });
      await store.start();
      const { graph } = await replayedGraph(SCENARIO, { store, releaseHeld: true });
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

const rootName = (insight: Insight) => `${insight.rootCause.entity.kind}/${insight.rootCause.entity.name}`;

describe.each(STORES)('folded incidents over the REST API, on the $name', (store) => {
  let api: Harness;
  let close: () => Promise<void>;
  const get = (url: string) => api.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    const opened = await store.open();
    close = opened.close;
    api = await harness(opened.graph);
  }, 240_000);
  afterAll(async () => {
    await api?.app.close();
    await close?.();
  }, 60_000);

  it('lists one incident per cause by default, the root with what it explains', async () => {
    const response = await get('/api/v1/insights');
    expect(response.statusCode).toBe(200);
    const page = response.json() as Page<Insight>;
    expect(page.items.map(rootName)).toEqual(['Deployment/catalog']);
    expect(page.items[0]?.alsoExplains?.map((fold) => `${fold.rootCause.kind}/${fold.rootCause.name}: ${fold.reason}`)).toEqual(['Service/catalog: its pods are the ones that fail']);
    expect((await get('/api/v1/insights?folded=hide')).json()).toEqual(page);
  });

  it('folded=show lists every incident, the folded one naming its root', async () => {
    const response = await get('/api/v1/insights?folded=show');
    expect(response.statusCode).toBe(200);
    const items = (response.json() as Page<Insight>).items;
    expect(items.map(rootName).sort()).toEqual(['Deployment/catalog', 'Service/catalog']);
    const root = items.find((insight) => !insight.explainedBy) as Insight;
    expect(items.find((insight) => insight.explainedBy)?.explainedBy).toMatchObject({ insightId: root.id, rootCause: { kind: 'Deployment', name: 'catalog' } });
  });

  it('the detail of each side names the other', async () => {
    const root = ((await get('/api/v1/insights')).json() as Page<Insight>).items[0] as Insight;
    const foldedId = root.alsoExplains?.[0]?.insightId as string;
    const folded = await get(`/api/v1/insights/${foldedId}`);
    expect(folded.statusCode).toBe(200);
    expect((folded.json() as Insight).explainedBy?.insightId).toBe(root.id);
    const detail = (await get(`/api/v1/insights/${root.id}`)).json() as Insight;
    expect(detail.alsoExplains?.map((fold) => fold.insightId)).toEqual([foldedId]);
    expect(detail.story).toContain('Also explains: 1 incident in 1 namespace: Service shop/catalog');
  });

  it('refuses another value of folded with a 400 naming the field', async () => {
    const response = await get('/api/v1/insights?folded=maybe');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, field: 'querystring.folded' });
  });
});

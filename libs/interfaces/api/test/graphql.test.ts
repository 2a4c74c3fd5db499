import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, harness, READ_TOKEN, type Harness } from './support/api-harness.js';
import { replayedGraph, type ReplayedGraph } from './support/replayed-graph.js';

interface GraphqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

describe('GraphQL at /graphql (mercurius) over the same questions as the REST API', () => {
  let replayed: ReplayedGraph;
  let api: Harness;

  const query = async (text: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const response = await api.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', ...headers }, payload: { query: text, variables } });
    return { status: response.statusCode, body: response.json() as GraphqlAnswer };
  };

  beforeAll(async () => {
    replayed = await replayedGraph('configmap-cascade');
    api = await harness(replayed.graph);
  });

  afterAll(async () => {
    await api?.app.close();
  });

  it('answers insights with their root cause, events and the events\' entities in one query, as REST does', async () => {
    const { status, body } = await query(`{
      insights(limit: 5) {
        items { id pattern severity confidence story rootCause { kind namespace name } events { id type entity { kind name } } }
        nextCursor
      }
    }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const items = (body.data?.['insights'] as { items: Array<{ id: string; pattern: string; rootCause: unknown; events: Array<{ id: string }> }> }).items;
    const rest = (await api.app.inject({ method: 'GET', url: '/api/v1/insights?limit=5' })).json() as { items: Array<{ id: string; pattern: string; eventIds: string[] }> };
    expect(items.map((item) => item.id)).toEqual(rest.items.map((item) => item.id));
    expect(items[0]).toMatchObject({ pattern: 'config-cascade', rootCause: { kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' } });
    expect(items[0]?.events.map((event) => event.id)).toEqual(rest.items[0]?.eventIds);
  });

  it('answers why and impact for an entity named in any kubectl spelling, like the REST paths', async () => {
    const { body } = await query(`query($kind: String!) {
      entity(kind: $kind, namespace: "shop", name: "checkout-h255j8bmp-5rkwm") { kind name why }
      impact(kind: "CM", namespace: "shop", name: "checkout-config")
    }`, { kind: 'POD' });
    expect(body.errors).toBeUndefined();
    const entity = body.data?.['entity'] as { kind: string; why: { insights: Array<{ pattern: string }> } };
    expect(entity.kind).toBe('Pod');
    const rest = (await api.app.inject({ method: 'GET', url: '/api/v1/why/pod/shop/checkout-h255j8bmp-5rkwm' })).json();
    expect(entity.why).toEqual(rest);
    const impact = (await api.app.inject({ method: 'GET', url: '/api/v1/impact/cm/shop/checkout-config' })).json();
    expect(body.data?.['impact']).toEqual(impact);
  });

  it('lists events with filters and pages, and an event with its context', async () => {
    const first = await query('{ events(limit: 2, minSeverity: "medium") { items { id severity } nextCursor } }');
    expect(first.body.errors, JSON.stringify(first.body.errors)).toBeUndefined();
    const page = first.body.data?.['events'] as { items: Array<{ id: string; severity: string }>; nextCursor: string };
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeTruthy();
    const second = await query('query($cursor: String) { events(limit: 2, minSeverity: "medium", cursor: $cursor) { items { id } } }', { cursor: page.nextCursor });
    const ids = (second.body.data?.['events'] as { items: Array<{ id: string }> }).items.map((event) => event.id);
    expect(ids.some((id) => page.items.some((event) => event.id === id))).toBe(false);
    const context = await query('query($id: ID!) { event(id: $id) { id type } eventContext(id: $id) }', { id: page.items[0]?.id });
    expect((context.body.data?.['event'] as { id: string }).id).toBe(page.items[0]?.id);
    expect(context.body.data?.['eventContext']).toEqual((await api.app.inject({ method: 'GET', url: `/api/v1/events/${page.items[0]?.id}/context` })).json());
  });

  it('lists the patterns with their confidence', async () => {
    const { body } = await query('{ patterns pattern(name: "config-cascade") }');
    expect((body.data?.['patterns'] as unknown[]).length).toBeGreaterThan(10);
    expect(body.data?.['pattern']).toMatchObject({ patternId: 'config-cascade', history: expect.any(Array) });
  });

  it('refuses bad arguments with an error naming the field, not a crash', async () => {
    const unknownKind = await query('{ entity(kind: "Podd", namespace: "shop", name: "x") { kind } }');
    expect(unknownKind.body.errors?.[0]?.message).toContain('unknown kind "Podd"');
    expect(unknownKind.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', field: 'kind' });
    const limit = await query('{ insights(limit: 5000) { items { id } } }');
    expect(limit.body.errors?.[0]?.message).toMatch(/^limit: /);
    const range = await query('{ why(kind: "pod", namespace: "shop", name: "x", since: "2026-03-02T11:00:00Z", until: "2026-03-02T10:00:00Z") }');
    expect(range.body.errors?.[0]?.message).toContain('is after until');
    const deep = await query('{ insights { items { events { entity { insights { events { entity { insights { events { entity { kind } } } } } } } } } } }');
    expect(deep.status).toBe(400);
    expect(deep.body.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('keeps reads behind a token when api.protectReads is on, and is absent when api.graphql is off', async () => {
    const guarded = await harness(replayed.graph, { readToken: READ_TOKEN, protectReads: true });
    try {
      const anonymous = await guarded.app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ patterns }' } });
      expect(anonymous.statusCode).toBe(401);
      const reader = await guarded.app.inject({ method: 'POST', url: '/graphql', headers: bearer(READ_TOKEN), payload: { query: '{ patterns }' } });
      expect(reader.statusCode).toBe(200);
      // Not in the OpenAPI document (REST only), so schemathesis does not fuzz it as REST.
      const document = (await guarded.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths)).not.toContain('/graphql');
    } finally {
      await guarded.app.close();
    }
    const off = await harness(replayed.graph, { graphql: false });
    try {
      expect((await off.app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ patterns }' } })).statusCode).toBe(404);
    } finally {
      await off.app.close();
    }
  });
});

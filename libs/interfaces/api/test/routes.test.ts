import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventContext, ImpactAnswer, Insight, Page, UnifiedEvent, WhyAnswer } from '@tapio/domain';
import { bearer, harness, WRITE_TOKEN, type Harness } from './support/api-harness.js';
import { replayedGraph, type ReplayedGraph } from './support/replayed-graph.js';

const SYMPTOM = '/api/v1/why/pod/shop/checkout-h255j8bmp-5rkwm';

describe('REST API over the configmap-cascade scenario', () => {
  let replayed: ReplayedGraph;
  let api: Harness;

  beforeAll(async () => {
    replayed = await replayedGraph('configmap-cascade');
    api = await harness(replayed.graph);
  });
  afterAll(async () => {
    await api.app.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url, headers });
  const expect400 = async (url: string, field: string) => {
    const response = await get(url);
    expect(response.statusCode, url).toBe(400);
    const body = response.json();
    expect(body.field, url).toBe(field);
    expect(body.message, url).toContain(field);
    return body;
  };

  describe('why', () => {
    it('tells the story of a crash-looping pod: the ConfigMap edit is the root cause', async () => {
      const response = await get(SYMPTOM);
      expect(response.statusCode).toBe(200);
      const why = response.json() as WhyAnswer;
      expect(why.known).toBe(true);
      expect(why.entity).toMatchObject({ kind: 'Pod', namespace: 'shop', name: 'checkout-h255j8bmp-5rkwm' });
      expect(why.insights[0]?.pattern).toBe('config-cascade');
      expect(why.insights[0]?.rootCause.entity).toMatchObject({ kind: 'ConfigMap', name: 'checkout-config' });
      expect(why.insights[0]?.story).toContain('checkout-config');
      expect(why.events.length).toBeGreaterThan(0);
      expect(why.causalChain.length).toBeGreaterThan(0);
    });

    it('accepts kinds the way kubectl does', async () => {
      // The canonical name and kubectl's spellings, in any letter case (the OpenAPI pattern says so); answers name the canonical kind.
      for (const kind of ['Pod', 'pod', 'po', 'pods', 'POD', 'PoDs', 'PO']) {
        const response = await get(`/api/v1/why/${kind}/shop/checkout-h255j8bmp-5rkwm`);
        expect(response.statusCode, kind).toBe(200);
        expect((response.json() as WhyAnswer).entity.kind).toBe('Pod');
      }
      const deployment = await get('/api/v1/why/deploy/shop/checkout');
      expect(deployment.statusCode).toBe(200);
      expect((deployment.json() as WhyAnswer).insights[0]?.pattern).toBe('config-cascade');
      expect((await get('/api/v1/why/svc/shop/checkout')).statusCode).toBe(200);
      expect((await get('/api/v1/why/cm/shop/checkout-config')).statusCode).toBe(200);
      expect((await get('/api/v1/why/DEPLOYMENT/shop/checkout')).statusCode).toBe(200);
      expect((await get('/api/v1/why/NODE/node-1')).statusCode).toBe(200);
    });

    it('refuses an unknown kind naming the accepted ones, and a kind on the wrong path shape saying which to use', async () => {
      const unknown = await get('/api/v1/why/Podd/shop/x');
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().message).toContain('unknown kind "Podd" (known: Pod, ');
      const shape = await get('/api/v1/why/POD/x');
      expect(shape.statusCode).toBe(400);
      expect(shape.json().message).toContain('Pod is namespaced: give …/POD/NAMESPACE/NAME');
      const node = await get('/api/v1/why/NODE/shop/node-1');
      expect(node.statusCode).toBe(400);
      expect(node.json().message).toContain('Node is cluster-scoped: leave the namespace out');
    });

    it('answers for cluster-scoped kinds without a namespace', async () => {
      const response = await get('/api/v1/why/node/node-1');
      expect(response.statusCode).toBe(200);
      expect((response.json() as WhyAnswer).entity).toMatchObject({ kind: 'Node', name: 'node-1' });
    });

    it('narrows to a time range', async () => {
      const all = (await get(SYMPTOM)).json() as WhyAnswer;
      const until = '2026-03-02T10:08:00Z';
      const early = (await get(`${SYMPTOM}?until=${until}`)).json() as WhyAnswer;
      expect(early.events.length).toBeGreaterThan(0);
      expect(early.events.length).toBeLessThan(all.events.length);
      expect(early.events.every((event) => event.timestamp <= until)).toBe(true);
      const before = (await get(`${SYMPTOM}?until=2026-03-01T00:00:00Z`)).json() as WhyAnswer;
      expect(before.events).toEqual([]);
      expect(before.insights).toEqual([]);
    });

    it('refuses what it cannot answer, naming the field', async () => {
      await expect400('/api/v1/why/gizmo/shop/x', 'params.kind');
      await expect400('/api/v1/why/Podd/shop/x', 'params.kind');
      expect((await expect400('/api/v1/why/pod/checkout-h255j8bmp-5rkwm', 'params.kind')).message).toContain('Pod is namespaced: give …/pod/NAMESPACE/NAME');
      expect((await expect400('/api/v1/why/node/default/node-1', 'params.kind')).message).toContain('Node is cluster-scoped: leave the namespace out');
      await expect400(`${SYMPTOM}?since=yesterday`, 'querystring.since');
      await expect400(`${SYMPTOM}?since=2026-03-02T11:00:00Z&until=2026-03-02T10:00:00Z`, 'since');
      await expect400('/api/v1/why/pod/shop/bad%20name', 'params.name');
    });

    it('404s an entity Tapio never saw', async () => {
      const response = await get('/api/v1/why/pod/shop/no-such-pod');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect(response.json().message).toContain('no-such-pod');
    });
  });

  describe('events', () => {
    it('pages through every event with cursors, newest first, without overlap', async () => {
      const seen: UnifiedEvent[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response = await get(`/api/v1/events?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
        expect(response.statusCode).toBe(200);
        const page = response.json() as Page<UnifiedEvent>;
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 100);
      const stats = await replayed.graph.stats();
      expect(seen.length).toBe(stats.events);
      expect(new Set(seen.map((event) => event.id)).size).toBe(seen.length);
      const times = seen.map((event) => Date.parse(event.timestamp));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(pages).toBe(Math.ceil(stats.events / 50));
    });

    it('filters by entity, type, severity and time', async () => {
      const response = await get('/api/v1/events?kind=pod&namespace=shop&name=checkout-h255j8bmp-5rkwm&type=crash_loop,pod_restart&severity=medium&since=2026-03-02T10:00:00Z');
      expect(response.statusCode).toBe(200);
      const { items } = response.json() as Page<UnifiedEvent>;
      expect(items.length).toBeGreaterThan(0);
      for (const event of items) {
        expect(event.entity?.name).toBe('checkout-h255j8bmp-5rkwm');
        expect(['crash_loop', 'pod_restart']).toContain(event.type);
        expect(['medium', 'high', 'critical']).toContain(event.severity);
      }
      const configEdits = (await get('/api/v1/events?type=config_changed')).json() as Page<UnifiedEvent>;
      expect(configEdits.items.map((event) => event.entity?.name)).toContain('checkout-config');
    });

    it('refuses bad filters, naming the field', async () => {
      await expect400('/api/v1/events?limit=0', 'querystring.limit');
      await expect400('/api/v1/events?limit=5000', 'querystring.limit');
      await expect400('/api/v1/events?limit=many', 'querystring.limit');
      await expect400('/api/v1/events?type=crash_loop,explosion', 'querystring.type');
      await expect400('/api/v1/events?severity=apocalyptic', 'querystring.severity');
      await expect400('/api/v1/events?cursor=%21%21', 'querystring.cursor');
      await expect400('/api/v1/events?cursor=bm90LWEtY3Vyc29y', 'cursor');
      await expect400('/api/v1/events?name=checkout', 'kind');
      await expect400('/api/v1/events?kind=pod', 'name');
      await expect400('/api/v1/events?namespace=shop', 'namespace');
      await expect400('/api/v1/events?kind=gizmo&name=x', 'querystring.kind');
    });

    it("reveals an event's context: owners, dependencies, correlated events, root cause", async () => {
      const crash = ((await get('/api/v1/events?kind=pod&namespace=shop&name=checkout-h255j8bmp-5rkwm&type=crash_loop')).json() as Page<UnifiedEvent>).items[0];
      expect(crash).toBeDefined();
      const response = await get(`/api/v1/events/${crash?.id}/context`);
      expect(response.statusCode).toBe(200);
      const context = response.json() as EventContext;
      expect(context.event.id).toBe(crash?.id);
      expect(context.affectedResources[0]).toMatchObject({ kind: 'Pod', name: 'checkout-h255j8bmp-5rkwm' });
      expect(context.ownershipChain.map((ref) => `${ref.kind}/${ref.name}`)).toEqual(['ReplicaSet/checkout-h255j8bmp', 'Deployment/checkout']);
      expect(context.dependencies.map((ref) => `${ref.kind}/${ref.name}`)).toContain('ConfigMap/checkout-config');
      expect(context.correlatedEvents.length).toBeGreaterThan(0);
      expect(context.rootCause).not.toBeNull();
    });

    it('404s an unknown event', async () => {
      const response = await get('/api/v1/events/evt-nope/context');
      expect(response.statusCode).toBe(404);
      expect(response.json().message).toContain('evt-nope');
    });
  });

  describe('insights', () => {
    it('lists, filters and fetches insights', async () => {
      const list = (await get('/api/v1/insights?pattern=config-cascade&severity=low')).json() as Page<Insight>;
      expect(list.items).toHaveLength(1);
      const insight = list.items[0] as Insight;
      expect(insight.rootCause.entity.name).toBe('checkout-config');
      const one = await get(`/api/v1/insights/${insight.id}`);
      expect(one.statusCode).toBe(200);
      expect((one.json() as Insight).predictionId).toBe(insight.predictionId);
      const byEntity = (await get('/api/v1/insights?kind=deployment&namespace=shop&name=checkout')).json() as Page<Insight>;
      expect(byEntity.items.map((item) => item.id)).toContain(insight.id);
      expect(((await get('/api/v1/insights?pattern=oom-cascade')).json() as Page<Insight>).items).toEqual([]);
    });

    it('pages insights and refuses bad input', async () => {
      const first = (await get('/api/v1/insights?limit=1')).json() as Page<Insight>;
      expect(first.items).toHaveLength(1);
      await expect400('/api/v1/insights?limit=-1', 'querystring.limit');
      await expect400('/api/v1/insights?severity=meh', 'querystring.severity');
      await expect400('/api/v1/insights?until=soon', 'querystring.until');
      await expect400('/api/v1/insights?kind=pod', 'name');
      const missing = await get('/api/v1/insights/ins-nope');
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('impact', () => {
    it('lists what a ConfigMap change touches', async () => {
      const response = await get('/api/v1/impact/configmap/shop/checkout-config');
      expect(response.statusCode).toBe(200);
      const impact = response.json() as ImpactAnswer;
      expect(impact.known).toBe(true);
      expect(impact.pods.length).toBeGreaterThan(0);
      expect(impact.pods.every((pod) => pod.name.startsWith('checkout-'))).toBe(true);
      expect(impact.workloads.map((ref) => `${ref.kind}/${ref.name}`)).toContain('Deployment/checkout');
      expect(impact.services.map((ref) => ref.name)).toContain('checkout');
    });

    it('answers for a node and refuses unknowns', async () => {
      const node = (await get('/api/v1/impact/no/node-1')).json() as ImpactAnswer;
      expect(node.pods.length).toBeGreaterThan(0);
      expect((await get('/api/v1/impact/configmap/shop/nope')).statusCode).toBe(404);
      await expect400('/api/v1/impact/gizmo/shop/x', 'params.kind');
      await expect400('/api/v1/impact/configmap/checkout-config', 'params.kind');
    });
  });

  describe('patterns', () => {
    it('lists patterns with base and current confidence and match counts', async () => {
      const response = await get('/api/v1/patterns');
      expect(response.statusCode).toBe(200);
      const items = response.json().items as Array<{ patternId: string; baseConfidence: number; confidence: number; matches: number }>;
      expect(items.length).toBe(replayed.patterns.patterns.length);
      const cascade = items.find((item) => item.patternId === 'config-cascade');
      expect(cascade).toMatchObject({ baseConfidence: 0.85, confidence: 0.85, feedbackCount: 0, accuracy: null });
      expect(cascade?.matches).toBeGreaterThan(0);
    });

    it('gets one pattern and 404s an unknown one', async () => {
      const response = await get('/api/v1/patterns/config-cascade');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ patternId: 'config-cascade', history: [] });
      expect((await get('/api/v1/patterns/no-such-pattern')).statusCode).toBe(404);
    });

    it('reloads only with the write token', async () => {
      const reload = (headers: Record<string, string>) => api.app.inject({ method: 'POST', url: '/api/v1/patterns/reload', headers });
      expect((await reload({})).statusCode).toBe(401);
      expect((await reload(bearer('wrong-token-0123456789abcdef'))).statusCode).toBe(401);
      expect((await reload({ authorization: `Basic ${WRITE_TOKEN}` })).statusCode).toBe(401);
      const ok = await reload(bearer(WRITE_TOKEN));
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ patterns: replayed.patterns.patterns.length, errors: [] });
    });
  });

  describe('errors', () => {
    it('serves list routes with or without a trailing slash', async () => {
      for (const url of ['/api/v1/events/', '/api/v1/insights/', '/api/v1/patterns/', `${SYMPTOM}/`]) expect((await get(url)).statusCode, url).toBe(200);
    });

    it('404s an unknown route with an error body', async () => {
      const response = await get('/api/v1/nothing-here');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });

  describe('health and metrics', () => {
    it('is alive and ready when every component is ok', async () => {
      expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
      const ready = await get('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ok', components: { graph: { status: 'ok' }, bus: { status: 'ok' } } });
    });

    it('reports degraded and down components per component', async () => {
      api.setHealth({ graph: { status: 'ok' }, bus: { status: 'ok' }, collectors: { kubeapi: { status: 'degraded', reason: 'watch reconnecting' }, replay: { status: 'ok' } } });
      const degraded = await get('/readyz');
      expect(degraded.statusCode).toBe(200);
      expect(degraded.json()).toMatchObject({ status: 'degraded', components: { 'collectors/kubeapi': { status: 'degraded', reason: 'watch reconnecting' } } });
      api.setHealth({ graph: { status: 'down', reason: 'neo4j unreachable' }, bus: { status: 'ok' }, collectors: {} });
      const down = await get('/readyz');
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ status: 'down', components: { graph: { status: 'down', reason: 'neo4j unreachable' } } });
      api.setHealth({ graph: { status: 'ok' }, bus: { status: 'ok' } });
    });

    it('exposes Prometheus metrics with HTTP counters and latency histograms', async () => {
      await get(SYMPTOM);
      const response = await get('/metrics');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      const text = response.body;
      expect(text).toMatch(/tapio_http_requests_total\{method="GET",route="\/api\/v1\/why\/:kind\/:namespace\/:name",status="200"\} \d+/);
      expect(text).toMatch(/tapio_http_request_duration_seconds_bucket\{(?=[^}]*route="\/api\/v1\/why\/:kind\/:namespace\/:name")(?=[^}]*le="\+Inf")[^}]*\} \d+/);
      expect(text).toMatch(/tapio_http_requests_total\{method="GET",route="\/api\/v1\/why\/:kind\/:namespace\/:name",status="404"\} \d+/);
      expect(text).toContain('tapio_pattern_confidence_ratio{pattern="config-cascade"} 0.85');
      expect(text).toMatch(/tapio_pattern_matches_total\{pattern="config-cascade"\} [1-9]\d*/);
    });

    it('serves OpenMetrics when the scrape asks for it, with the same names', async () => {
      const prometheusAccept = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
      const open = await get('/metrics', { accept: prometheusAccept });
      expect(open.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
      expect(open.body).toContain('# TYPE tapio_http_requests counter');
      expect(open.body).toMatch(/^tapio_http_requests_total\{/m);
      expect(open.body.endsWith('# EOF\n')).toBe(true);
      // Asking for OpenMetrics does not rename anything in the text format.
      const text = await get('/metrics', { accept: 'text/plain' });
      expect(text.headers['content-type']).toContain('text/plain; version=0.0.4');
      expect(text.body).toContain('# TYPE tapio_http_requests_total counter');
      const names = (body: string) => [...body.matchAll(/^(\w+)(?:\{| )/gm)].map((match) => match[1]).filter((name) => name?.startsWith('tapio_')).sort();
      expect(new Set(names(open.body))).toEqual(new Set(names(text.body)));
    });
  });
});

describe('responses without schema validation (the production default)', () => {
  it('are the same JSON as the validated ones', async () => {
    const replayed = await replayedGraph('configmap-cascade');
    const checked = await harness(replayed.graph);
    const { buildApi, GraphPatternAdmin } = await import('../src/index.js');
    const plain = await buildApi({ graph: replayed.graph, metrics: checked.metrics, health: () => ({}), patterns: new GraphPatternAdmin(replayed.graph) });
    const insightId = ((await checked.app.inject({ method: 'GET', url: '/api/v1/insights' })).json() as Page<Insight>).items[0]?.id;
    for (const url of [SYMPTOM, '/api/v1/events?limit=20', `/api/v1/insights/${insightId}`, '/api/v1/impact/cm/shop/checkout-config', '/api/v1/patterns/config-cascade']) {
      const [a, b] = await Promise.all([checked.app.inject({ method: 'GET', url }), plain.inject({ method: 'GET', url })]);
      expect(b.statusCode, url).toBe(200);
      expect(b.json(), url).toEqual(a.json());
    }
    await Promise.all([checked.app.close(), plain.close()]);
  });
});

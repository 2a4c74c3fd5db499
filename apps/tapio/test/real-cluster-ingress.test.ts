import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveIncident, liveWorkspace, type LiveWorkspace } from './support/live-incident.js';
import { liveTapioConfig, startLiveTapio, stopLiveTapio } from './support/live-tapio.js';
import { waitFor, type TapioProcess } from './support/tapio-process.js';

interface StoredEvent {
  type: string;
  message?: string;
  timestamp: string;
  annotations?: Record<string, string>;
}
interface WhyAnswer {
  insights: Array<{ pattern: string; story?: string; rootCause: { entity: { kind: string; namespace?: string | null; name: string } } }>;
}

/** The pattern's hold, shortened in this test's tapio.yaml (correlation.patternOverrides) so the run stays short. */
const HOLD = '10s';

/**
 * A real Ingress on the live cluster (tools/k8s/incidents/ingress-backend-lost.sh: no
 * controller runs, Tapio reads the networking.k8s.io/v1 objects) routing
 * shop.example.com/cart to Service cart of a real Deployment. Scaling the Deployment to 0
 * empties the Service (the real endpoints controller); Tapio, under deploy/rbac.yaml's
 * identity, says ingress_backend_unavailable naming the route, roots the held incident
 * ingress-backend-unavailable at the scale, and says ingress_backend_restored once it is
 * scaled back.
 */
describe('tapio on a live cluster: an Ingress whose backend Deployment is scaled to 0', () => {
  let live: LiveWorkspace;
  let tapio: TapioProcess | undefined;
  const incident = liveIncident('ingress-backend-lost.sh', 'ingress', 240_000);
  const ns = incident.ns;
  const log = () => `Tapio's output:\n${tapio?.log().slice(-2000) ?? ''}`;

  const ingressEvents = async (type: string): Promise<StoredEvent[]> => {
    const url = new URL(`${live.server}/api/v1/events`);
    for (const [name, value] of Object.entries({ kind: 'ingress', namespace: ns, name: 'shop-entry', type, limit: '50' })) url.searchParams.set(name, value);
    const response = await fetch(url);
    if (response.status !== 200) throw new Error(`GET ${url.pathname}${url.search}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { items: StoredEvent[] }).items;
  };
  const first = async (type: string): Promise<StoredEvent | undefined> => (await ingressEvents(type)).at(-1);

  beforeAll(async () => {
    live = await liveWorkspace('ingress');
    const hold = ['correlation:', '  patternOverrides:', '    ingress-backend-unavailable:', `      holdFor: ${HOLD}`];
    tapio = await startLiveTapio(live, incident, liveTapioConfig(live, { sections: hold, kubeapi: [`    namespaces: { include: [${ns}] }`] }));
  }, 300_000);

  afterAll(() => stopLiveTapio(live, incident, tapio));

  it('says the route lost its backend, roots the incident at the scale to 0, and says the route works again once scaled back', async () => {
    expect(await ingressEvents('ingress_backend_unavailable'), 'a healthy route says nothing').toEqual([]);
    await incident.step('provoke');

    const lost = await waitFor('ingress_backend_unavailable on Ingress shop-entry', () => first('ingress_backend_unavailable'), 60_000, log, 500);
    expect(lost.message).toBe(`Ingress ${ns}/shop-entry: users entering through shop.example.com/cart reach Service ${ns}/cart, which has no ready endpoint`);
    expect(lost.annotations).toMatchObject({ 'ingress.route': 'shop.example.com/cart', 'ingress.host': 'shop.example.com', 'ingress.path': '/cart', 'ingress.service': `${ns}/cart`, 'ingress.problem': 'no-ready-endpoint' });

    let last = '(no answer yet)';
    const why = await waitFor(`tapio why ingress ${ns}/shop-entry to give the held ingress-backend-unavailable insight`, async () => {
      const answer = (await (await fetch(`${live.server}/api/v1/why/ingress/${ns}/shop-entry`)).json()) as WhyAnswer;
      last = answer.insights.map((insight) => `${insight.pattern}: ${insight.rootCause.entity.kind} ${insight.rootCause.entity.namespace ?? ''}/${insight.rootCause.entity.name}`).join('; ') || '(no insight)';
      return answer.insights.some((insight) => insight.pattern === 'ingress-backend-unavailable') ? answer : undefined;
    }, 90_000, () => `Tapio's last answer: ${last}\n${log()}`, 1000);
    const insight = why.insights.find((item) => item.pattern === 'ingress-backend-unavailable');
    expect(insight?.rootCause.entity, last).toMatchObject({ kind: 'Deployment', namespace: ns, name: 'cart' });
    expect(insight?.story).toContain(`Deployment ${ns}/cart scaled: spec.replicas 2 -> 0`);
    expect(insight?.story).toContain('users entering through shop.example.com/cart');

    await incident.step('restore');
    const restored = await waitFor('ingress_backend_restored on Ingress shop-entry', () => first('ingress_backend_restored'), 60_000, log, 500);
    expect(restored.message).toBe(`Ingress ${ns}/shop-entry works again: every route reaches a Service with a ready endpoint again`);
    expect(Date.parse(restored.timestamp)).toBeGreaterThan(Date.parse(lost.timestamp));
    expect(await ingressEvents('ingress_backend_unavailable'), 'the route was lost once').toHaveLength(1);
    expect(tapio?.log()).not.toMatch(/forbidden/i);
  }, 300_000);
});

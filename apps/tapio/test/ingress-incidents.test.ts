import { describe, expect, it } from 'vitest';
import { analyzeRecording } from './support/analyze-recording.js';
import { benignRecording } from './corpus/corpus-variants.js';
import { backendScaledToZero, ingressWrongBackend, selectorTypoBehindIngress } from './support/ingress-incidents.js';
import { normalise } from './support/recording-variants.js';

const first = (lines: Parameters<typeof normalise>[0]) => {
  const [insight] = analyzeRecording(normalise(lines)).insights;
  if (!insight) throw new Error('no insight');
  return insight;
};

/** What `tapio analyze` says about users failing through an Ingress: rooted at the cause, told from the entry point. */
describe('an Ingress whose users fail (analyze)', () => {
  it('a selector typo behind it: rooted at the Service, the story names the host and path users enter through', () => {
    const insight = first(selectorTypoBehindIngress(benignRecording(), 'shop', 'cart').lines);
    expect(insight.rootCause.entity).toMatchObject({ kind: 'Service', namespace: 'shop', name: 'cart' });
    expect(insight.pattern).toBe('ingress-backend-unavailable');
    expect(insight.story).toContain('Service shop/cart changed: spec.selector.app cart -> carte');
    expect(insight.story).toContain('users entering through shop.example.com/cart reach Service shop/cart, which has no ready endpoint');
    expect(insight.affected.map((ref) => `${ref.kind}/${ref.name}`)).toContain('Ingress/web-entry');
  });

  it('the Deployment behind it scaled to 0: rooted at the Deployment, its scale in the story', () => {
    const insight = first(backendScaledToZero(benignRecording(), 'shop', 'cart').lines);
    expect(insight.rootCause.entity).toMatchObject({ kind: 'Deployment', namespace: 'shop', name: 'cart' });
    expect(insight.story.split('\n')[0]).toContain('Deployment shop/cart scaled: spec.replicas 2 -> 0');
    expect(insight.story).toContain('users entering through shop.example.com/cart');
  });

  it('the Ingress edited to a port its Service does not have: rooted at the Ingress edit', () => {
    const insight = first(ingressWrongBackend(benignRecording(), 'shop', 'catalog', 'port').lines);
    expect(insight.rootCause.entity).toMatchObject({ kind: 'Ingress', namespace: 'shop', name: 'web-entry' });
    expect(insight.story).toContain('users entering through shop.example.com/catalog are routed to port 8080 of Service shop/catalog, which has no such port (it has 80, http)');
  });
});

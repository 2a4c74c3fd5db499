import { insightWith, type Insight } from '@tapio/domain';

export function insightFixture(changes: Partial<Insight> = {}): Insight {
  return insightWith({
    id: 'ins-0123456789abcdef',
    title: 'config-cascade',
    severity: 'high',
    confidence: 0.81,
    pattern: 'config-cascade',
    predictionId: 'pred-0123',
    rootCause: { entity: { kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' }, what: 'data key application.yaml edited' },
    symptoms: [{ kind: 'Pod', namespace: 'shop', name: 'checkout-5rkwm' }],
    affected: [{ kind: 'Deployment', namespace: 'shop', name: 'checkout' }],
    story: 'ConfigMap shop/checkout-config changed <x> & restarted pods',
    nextChecks: ['Diff the current and previous content of ConfigMap shop/checkout-config'],
    firstSeen: '2026-03-02T10:03:12Z',
    lastSeen: '2026-03-02T10:05:48Z',
    createdAt: '2026-03-02T10:05:48Z',
    cluster: 'prod-west',
    ...changes,
  });
}

import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { compiled, indexAll, mustMatch } from '../../test/support/units.js';
import { renderTemplate } from './template.js';
import { templateValues } from './template-values.js';

describe('templateValues', () => {
  it('names the pattern, root, counts and every step\u2019s entity, time and message', () => {
    const cluster = new ClusterFixture();
    const config = cluster.configMap('shop', 'checkout-config');
    const checkout = cluster.workload('shop', 'checkout', { replicas: 1, configMaps: ['checkout-config'] });
    const edit = cluster.editConfig(config);
    cluster.advance(30);
    const crash = cluster.crashLoop(checkout.pods[0]!, 2);
    const pattern = compiled('cascade', {
      sequence: [
        { id: 'change', conditions: [{ field: 'type', operator: 'equals', value: 'config_changed' }] },
        { id: 'failure', relation: 'mounts', conditions: [{ field: 'type', operator: 'equals', value: 'crash_loop' }] },
      ],
    });
    const { state, indexed } = indexAll(cluster.events);
    const values = templateValues(state, mustMatch(pattern, indexed(crash), state), config, { symptoms: 1, pods: 1, users: 3 });
    expect(values).toEqual({
      pattern: 'cascade',
      root: 'ConfigMap shop/checkout-config',
      count: '1',
      symptoms: '1',
      pods: '1',
      // Three pods use the ConfigMap, one already fails: two more are predicted to.
      users: '3',
      pending: '2',
      'change.entity': 'ConfigMap shop/checkout-config',
      'change.time': edit.timestamp,
      'change.message': edit.message,
      'change.cause': edit.message,
      'failure.container': 'app',
      'failure.entity': `Pod shop/${checkout.pods[0]!.name}`,
      'failure.time': crash.timestamp,
      'failure.message': crash.message,
      'failure.cause': crash.message,
    });
    expect(renderTemplate('{{change.entity}} changed at {{ change.time }}; {{unknown}} stays', values)).toBe(`ConfigMap shop/checkout-config changed at ${edit.timestamp}; {{unknown}} stays`);
  });

  it('{{<step>.cause}} is the reason of the causal link into the step on the incident\'s path', () => {
    const cluster = new ClusterFixture();
    const checkout = cluster.workload('shop', 'checkout', { replicas: 1 });
    const crash = cluster.crashLoop(checkout.pods[0]!, 2);
    const pattern = compiled('crashing', { sequence: [{ id: 'match', conditions: [{ field: 'type', operator: 'equals', value: 'crash_loop' }] }] });
    const { state, indexed } = indexAll(cluster.events);
    const edge = { kind: 'CAUSED' as const, fromEventId: 'evt-x', toEventId: crash.id, confidence: 0.9, reason: 'Deployment shop/checkout scaled 3 -> 1 while PodDisruptionBudget shop/checkout requires minAvailable 2', correlator: 'dependency' };
    const values = templateValues(state, mustMatch(pattern, indexed(crash), state), checkout.ref, { symptoms: 1, pods: 1 }, { edges: [edge] });
    expect(values['match.cause']).toBe(edge.reason);
    expect(templateValues(state, mustMatch(pattern, indexed(crash), state), checkout.ref, { symptoms: 1, pods: 1 })['match.cause']).toBe(crash.message);
  });
});

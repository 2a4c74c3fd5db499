import { describe, expect, it } from 'vitest';
import type { IndexedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { caused, compiled, indexAll, mustMatch } from '../../test/support/units.js';
import type { CausalPath } from '../rootcause/find-root-cause.js';
import { causalChain, chainLinks } from './causal-chain.js';

const cascadePattern = compiled('cascade', {
  sequence: [
    { id: 'change', conditions: [{ field: 'type', operator: 'equals', value: 'config_changed' }] },
    { id: 'failure', relation: 'mounts', within: '45m', conditions: [{ field: 'type', operator: 'equals', value: 'crash_loop' }] },
  ],
  rootCause: 'change',
  symptom: 'failure',
});

/** A ConfigMap edit, the rollout it caused, a crash of a new pod. */
function story() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const config = cluster.configMap('shop', 'checkout-config');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 1, configMaps: ['checkout-config'], nodes: ['node-1'] });
  cluster.advance(60);
  const edit = cluster.editConfig(config);
  cluster.advance(60);
  const rollout = cluster.signal('workload_spec_changed', checkout.ref, { message: 'Deployment shop/checkout pod template changed' });
  cluster.advance(60);
  const crash = cluster.crashLoop(checkout.pods[0]!, 3);
  const { state, indexed } = indexAll(cluster.events);
  const path = (events: IndexedEvent[], edges: CausalPath['edges']): CausalPath => ({ events, edges, confidence: 0.8 });
  return { state, indexed, edit, rollout, crash, path };
}

describe('causalChain', () => {
  it('prefers the walk from the symptom when it starts at the root: it shows the steps between', () => {
    const { state, indexed, edit, rollout, crash, path } = story();
    const match = mustMatch(cascadePattern, indexed(crash), state);
    const symptomPath = path([indexed(edit), indexed(rollout), indexed(crash)], [caused(edit, rollout), caused(rollout, crash)]);
    const chain = causalChain(state, match, indexed(edit), path([indexed(edit)], []), symptomPath);
    expect(chain.path).toBe(symptomPath);
    expect(chain.events.map((item) => item.event.id)).toEqual([edit.id, rollout.id, crash.id]);
    expect(chainLinks(state, chain).map((link) => link.relation)).toEqual([undefined, 'config_changed explains workload_spec_changed', 'workload_spec_changed explains crash_loop']);
  });

  it('otherwise follows the root\u2019s own path, adds the later steps and the symptom owners\u2019 changes in between, in time order', () => {
    const { state, indexed, edit, rollout, crash, path } = story();
    const match = mustMatch(cascadePattern, indexed(crash), state);
    const rootPath = path([indexed(edit)], []);
    const chain = causalChain(state, match, indexed(edit), rootPath, path([indexed(crash)], []));
    expect(chain.path).toBe(rootPath);
    expect(chain.events.map((item) => item.event.id)).toEqual([edit.id, rollout.id, crash.id]);
    const links = chainLinks(state, chain);
    expect(links.map((link) => `${link.type} ${link.entity.kind}/${link.entity.name}`)).toEqual(['config_changed ConfigMap/checkout-config', 'workload_spec_changed Deployment/checkout', `crash_loop Pod/${crash.entity?.name}`]);
    expect(links.every((link) => link.relation === undefined)).toBe(true);
  });
});

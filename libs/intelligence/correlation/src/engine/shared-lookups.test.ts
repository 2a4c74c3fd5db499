import { describe, expect, it } from 'vitest';
import type { EntityRef, K8sObjectFacts } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { WorkingState } from '../state/working-state.js';
import { SharedLookups } from './shared-lookups.js';

describe('SharedLookups', () => {
  it('answers as the working state does, and again after the topology changed (a pod moved, a ConfigMap mounted, an owner gone)', () => {
    const fixture = new ClusterFixture();
    fixture.nodes('node-1', 'node-2');
    fixture.configMap('shop', 'checkout-config');
    fixture.configMap('shop', 'extra-config');
    const checkout = fixture.workload('shop', 'checkout', { replicas: 1, configMaps: ['checkout-config'], nodes: ['node-1'] });
    const state = new WorkingState();
    const lookups = new SharedLookups(state);
    for (const event of fixture.events) state.add(event);
    const pod = fixture.key(checkout.pods[0] as EntityRef);
    const same = () => {
      expect(lookups.nodeNameOf(pod)).toBe(state.nodeNameOf(pod));
      expect(lookups.ownerChain(pod)).toEqual(state.ownerChain(pod));
      expect(lookups.dependenciesOf(pod)).toEqual(state.dependenciesOf(pod));
      expect(lookups.related(pod, 'shop/ConfigMap/extra-config', 'mounts')).toBe(state.related(pod, 'shop/ConfigMap/extra-config', 'mounts'));
    };
    same();
    expect(lookups.nodeNameOf(pod)).toBe('node-1');
    const facts = fixture.events.find((event) => event.kubernetes?.object?.kind === 'Pod')?.kubernetes?.object as K8sObjectFacts;
    state.add(fixture.object('resource_updated', { ...facts, nodeName: 'node-2', configMaps: ['checkout-config', 'extra-config'] }, 'pod moved', 'MODIFIED'));
    same();
    expect(lookups.nodeNameOf(pod)).toBe('node-2');
    expect(lookups.dependenciesOf(pod)).toHaveLength(2);
    state.add(fixture.object('resource_updated', { ...facts, ownerReferences: [] }, 'orphaned', 'MODIFIED'));
    same();
    expect(lookups.ownerChain(pod)).toEqual([]);
  });

  it('forgets what was read from an owner when the owner changes (its facts, its own owner), and keeps the rest', () => {
    const fixture = new ClusterFixture();
    fixture.nodes('node-1');
    fixture.configMap('shop', 'checkout-config');
    fixture.configMap('shop', 'flags');
    const checkout = fixture.workload('shop', 'checkout', { replicas: 2, configMaps: ['checkout-config'], nodes: ['node-1'] });
    const state = new WorkingState();
    const lookups = new SharedLookups(state);
    for (const event of fixture.events) state.add(event);
    const [first, second] = checkout.pods.map((ref) => fixture.key(ref)) as [string, string];
    const deployment = fixture.key(checkout.ref);
    const replicaSet = fixture.key(checkout.replicaSet as EntityRef);
    expect(lookups.ownerChain(first)).toEqual([replicaSet, deployment]);
    expect(lookups.dependenciesOf(second)).toEqual(state.dependenciesOf(second));
    const deploymentFacts = fixture.events.find((event) => event.kubernetes?.object?.kind === 'Deployment')?.kubernetes?.object as K8sObjectFacts;
    // The Deployment's template now mounts a second ConfigMap: both pods use it through their owner.
    state.add(fixture.object('resource_updated', { ...deploymentFacts, configMaps: ['checkout-config', 'flags'] }, 'template changed', 'MODIFIED'));
    expect(lookups.dependenciesOf(first)).toEqual(state.dependenciesOf(first));
    expect(lookups.dependenciesOf(second)).toEqual(state.dependenciesOf(second));
    expect(lookups.dependenciesOf(second)).toHaveLength(2);
    // The ReplicaSet loses its owner: the pods' chains end at it.
    const replicaSetFacts = fixture.events.find((event) => event.kubernetes?.object?.kind === 'ReplicaSet')?.kubernetes?.object as K8sObjectFacts;
    state.add(fixture.object('resource_updated', { ...replicaSetFacts, ownerReferences: [] }, 'orphaned', 'MODIFIED'));
    expect(lookups.ownerChain(first)).toEqual([replicaSet]);
    expect(lookups.dependenciesOf(second)).toEqual(state.dependenciesOf(second));
    // A stored topology loaded (more changed than is remembered): everything is read again.
    state.restoreTopology({ nodes: [], edges: [{ type: 'OWNS', from: deployment, to: replicaSet }] });
    expect(lookups.ownerChain(second)).toEqual([replicaSet, deployment]);
  });
});

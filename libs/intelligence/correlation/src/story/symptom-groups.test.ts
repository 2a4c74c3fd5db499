import { describe, expect, it } from 'vitest';
import type { IndexedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { indexAll } from '../../test/support/units.js';
import { eventTypeWords, groupSymptoms } from './symptom-groups.js';

describe('groupSymptoms', () => {
  it('tells the pods together, oldest first, and the other entities apart', () => {
    const cluster = new ClusterFixture();
    const checkout = cluster.workload('shop', 'checkout', { replicas: 2 });
    const [a, b] = checkout.pods;
    const restart = cluster.restart(a!, 1);
    cluster.advance(10);
    const crash = cluster.crashLoop(b!, 3);
    cluster.advance(10);
    const stalled = cluster.signal('rollout_stalled', checkout.ref);
    const { indexed } = indexAll(cluster.events);
    const symptoms = new Map<string, IndexedEvent>([stalled, crash, restart].map((event) => [indexed(event).entityKey ?? '', indexed(event)]));
    const groups = groupSymptoms(symptoms);
    expect(groups.ordered.map((item) => item.event.event.id)).toEqual([restart.id, crash.id, stalled.id]);
    expect(groups.told.map((item) => item.event.event.id)).toEqual([restart.id, crash.id]);
    expect(groups.others.map((item) => item.event.event.id)).toEqual([stalled.id]);
    expect(groups.summary).toBe('2 pods affected (pod restart, crash loop)');
  });

  it('with no pod among them, tells every entity together', () => {
    const cluster = new ClusterFixture();
    const down = cluster.signal('service_unavailable', cluster.ref('Service', 'cart', 'shop'));
    const { indexed } = indexAll(cluster.events);
    const groups = groupSymptoms(new Map([[indexed(down).entityKey ?? '', indexed(down)]]));
    expect(groups.told.map((item) => item.event.event.id)).toEqual([down.id]);
    expect(groups.others).toEqual([]);
    expect(groups.summary).toBe('1 entity affected (service unavailable)');
  });

  it('spells event types as words', () => {
    expect(eventTypeWords('pod_restart')).toBe('pod restart');
  });
});

import { describe, expect, it } from 'vitest';
import { entityKey } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { indexAll } from '../../test/support/units.js';
import { rootCauseText } from './root-cause-text.js';

describe('rootCauseText', () => {
  it('an event on the root itself: its message, with its time', () => {
    const cluster = new ClusterFixture();
    const config = cluster.configMap('shop', 'checkout-config');
    const edit = cluster.editConfig(config);
    const { state, indexed } = indexAll(cluster.events);
    expect(rootCauseText(state, entityKey(config), indexed(edit))).toEqual({
      what: `ConfigMap shop/checkout-config changed: data key application.yaml edited (${edit.timestamp})`,
      storyWhat: 'ConfigMap shop/checkout-config changed: data key application.yaml edited',
    });
  });

  it('an event on an entity using the root (a pod that cannot attach the blamed volume) names that entity', () => {
    const cluster = new ClusterFixture();
    const db = cluster.workload('shop', 'db', { replicas: 1, claims: ['data'] });
    const failed = cluster.signal('volume_attach_failed', db.pods[0]!, { message: 'Multi-Attach error for volume "data"' });
    const { state, indexed } = indexAll(cluster.events);
    const claim = entityKey(cluster.ref('PersistentVolumeClaim', 'data', 'shop'));
    const text = rootCauseText(state, claim, indexed(failed));
    expect(text.storyWhat).toBe(`Multi-Attach error for volume "data" (on Pod shop/${db.pods[0]!.name})`);
    expect(text.what).toBe(`Multi-Attach error for volume "data" (on Pod shop/${db.pods[0]!.name}, ${failed.timestamp})`);
  });

  it('a roll-up to the workload counts its pods\u2019 events of the type over the hour', () => {
    const cluster = new ClusterFixture();
    const checkout = cluster.workload('shop', 'checkout', { replicas: 3 });
    const first = cluster.oomKill(checkout.pods[0]!, 1);
    cluster.advance(60);
    cluster.oomKill(checkout.pods[1]!, 1);
    cluster.restart(checkout.pods[2]!, 1);
    const { state, indexed } = indexAll(cluster.events);
    const text = rootCauseText(state, entityKey(checkout.ref), indexed(first));
    expect(text.what).toBe(`2 oom killed events on its pods since ${first.timestamp}; first: ${first.message}`);
    expect(text.storyWhat).toBe(text.what);
  });
});

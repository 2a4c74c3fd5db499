import { describe, expect, it } from 'vitest';
import { definePlugin, EventBus, KubeIndex, noopKubeIndex, type PluginDescriptor } from '@tapio/domain';
import { lateBound } from './late-bound.js';
import { orderByNeeds } from './plugin-order.js';

function plugin(id: string, needs: PluginDescriptor['needs'], provides: PluginDescriptor['provides'] = []): { descriptor: PluginDescriptor } {
  return { descriptor: definePlugin({ id, kind: 'collector', needs, provides, register: () => ({}) }) as PluginDescriptor };
}

describe('orderByNeeds', () => {
  it('registers providers before the plugins that need them, keeping the given order otherwise', () => {
    const kernel = plugin('kernel', { kubeIndex: KubeIndex, bus: EventBus });
    const replay = plugin('replay', {});
    const kubeapi = plugin('kubeapi', {}, [KubeIndex]);
    const bus = plugin('nats', {}, [EventBus]);
    expect(orderByNeeds([kernel, replay, kubeapi, bus]).map((entry) => entry.descriptor.id)).toEqual(['replay', 'kubeapi', 'nats', 'kernel']);
  });

  it('puts plugins that need each other last instead of dropping them', () => {
    const a = plugin('a', { bus: EventBus }, [KubeIndex]);
    const b = plugin('b', { kubeIndex: KubeIndex }, [EventBus]);
    const c = plugin('c', {});
    expect(orderByNeeds([a, b, c]).map((entry) => entry.descriptor.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('lateBound', () => {
  it('answers from the fallback until bound, then from the target', () => {
    const pod = { namespace: 'shop', name: 'web', uid: 'u1', containers: [] };
    const late = lateBound(noopKubeIndex);
    expect(late.value.podByUid('u1')).toBeUndefined();
    late.bind({ ...noopKubeIndex, podByUid: (uid) => (uid === 'u1' ? pod : undefined) });
    expect(late.value.podByUid('u1')).toEqual(pod);
    expect(late.value.podsOnNode('n')).toEqual([]);
  });
});

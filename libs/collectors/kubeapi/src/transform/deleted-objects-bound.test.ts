import { describe, expect, it } from 'vitest';
import { ChangeLimits } from '@tapio/domain';
import { KubeApiTransformer } from './kubeapi-transformer.js';
import { context, watch } from './kubeapi-transformer.test-support.js';

const pod = (n: number, resourceVersion: number) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `web-${n}`, namespace: 'shop', uid: `uid-${n}`, resourceVersion: String(resourceVersion) },
  spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'app:1' }] },
  status: { phase: 'Running' },
});

describe('KubeApiTransformer: deleted objects remembered', () => {
  it('keeps at most limits.maxDeletedObjects tombstones; a live object is never forgotten', () => {
    const transformer = new KubeApiTransformer({ limits: ChangeLimits.parse({ maxDeletedObjects: 5 }) });
    // A durable store took over (empty): from now on what is forgotten is reported as removed.
    transformer.durableState.restore([]);
    let line = 0;
    const send = (type: 'ADDED' | 'DELETED', n: number) => transformer.transform(watch(type, pod(n, (line += 1))), context(line));
    send('ADDED', 0);
    for (let n = 1; n <= 50; n += 1) {
      send('ADDED', n);
      send('DELETED', n);
    }
    // pod 0 and the 5 deleted last
    expect(transformer.size).toBe(6);
    // The durable state says which were forgotten, so a restarted transformer does not keep them either.
    const state = new Map(transformer.durableState.changes());
    expect([...state].filter(([key, value]) => key.startsWith('o|') && value !== undefined).map(([key]) => key).sort()).toEqual(
      ['o|prod-west|uid-0', ...[46, 47, 48, 49, 50].map((n) => `o|prod-west|uid-${n}`)].sort(),
    );
    expect(state.get('o|prod-west|uid-1')).toBeUndefined();
    expect(state.has('o|prod-west|uid-1')).toBe(true);
  });

  it('a deletion with the resourceVersion of the last version seen (as recordings and generators write it) leaves a tombstone, for objects and for Kubernetes Events', () => {
    const transformer = new KubeApiTransformer({ limits: ChangeLimits.parse({ maxDeletedObjects: 5 }) });
    transformer.durableState.restore([]);
    let line = 0;
    const event = (n: number, resourceVersion: number) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `web-${n}.ev`, namespace: 'shop', uid: `ev-${n}`, resourceVersion: String(resourceVersion) },
      involvedObject: { kind: 'Pod', name: `web-${n}`, namespace: 'shop' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
      count: 1,
    });
    let deleted = 0;
    for (let n = 1; n <= 50; n += 1) {
      const version = (line += 1);
      transformer.transform(watch('ADDED', pod(n, version)), context(line));
      transformer.transform(watch('ADDED', event(n, version)), context((line += 1)));
      // The same resourceVersion again, with DELETED.
      deleted += transformer.transform(watch('DELETED', pod(n, version)), context((line += 1))).filter((unified) => unified.type === 'resource_deleted').length;
      transformer.transform(watch('DELETED', event(n, version)), context((line += 1)));
    }
    expect(deleted).toBe(50);
    // Without the tombstones, 100 stayed: 50 pods and 50 Events, each live for ever. Now the 5 deleted last of each.
    const state = [...new Map(transformer.durableState.changes())].filter(([, value]) => value !== undefined).map(([key]) => key);
    expect(state.filter((key) => key.startsWith('o|'))).toHaveLength(5);
    expect(state.filter((key) => key.startsWith('e|'))).toHaveLength(5);
    // A relist of a live object's version is still one already seen: no new event.
    transformer.transform(watch('ADDED', pod(99, 1_000)), context((line += 1)));
    expect(transformer.transform(watch('MODIFIED', pod(99, 1_000)), context((line += 1)))).toEqual([]);
  });
});

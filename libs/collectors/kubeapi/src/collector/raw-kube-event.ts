import { knownDepthBound, noteDepthBound, type RawEvent } from '@tapio/domain';
import type { KubeObject } from '../informers/kube-object.js';
import type { ChangeType } from '../informers/resource-informer.js';

/**
 * The RawEvent for one watch event, in the recording format the replay collector reads:
 * `data` is `{type, object}` as the API server sent it (minus managedFields and Secret
 * values), the timestamp is when the collector saw it, in whole seconds (RFC 3339 UTC).
 */
export function rawKubeEvent(type: ChangeType, object: KubeObject, cluster: string, nowMs: number): RawEvent {
  const data = { type, object };
  // One level above the object's known nesting: the pipeline's depth check takes it instead of walking the object.
  const bound = knownDepthBound(object);
  if (bound !== undefined) noteDepthBound(data, bound + 1);
  return {
    timestamp: new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    source: 'kubeapi',
    type,
    metadata: { cluster, collector: 'kubeapi' },
    data,
  };
}

import type { EntityRef, UnifiedEvent } from '@tapio/domain';
import type { ClusterFixture } from './cluster-fixture.js';

/**
 * As the kubelet collector reports a container's working set growing toward its limit:
 * `memory_limit_approaching` with the minutes left and the fit's own confidence.
 */
export function memoryTrend(cluster: ClusterFixture, pod: EntityRef, minutes: number, trendConfidence = 0.8): UnifiedEvent {
  const event = cluster.signal('memory_limit_approaching', pod, {
    message: `Container app of pod ${pod.namespace}/${pod.name} grows 4.0 MiB/min: at 400.0 MiB of its 512.0 MiB limit, it reaches it (OOM kill) in about ${minutes} minutes`,
    kubernetes: { container: 'app' },
  });
  event.source = 'kubelet_api';
  event.metrics = { 'memory.minutes_to_limit': minutes, 'memory.usage_percent': 80, 'memory.trend_confidence': trendConfidence };
  return event;
}

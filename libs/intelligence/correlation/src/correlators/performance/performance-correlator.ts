import { entityKeyKind, type Correlation, type CorrelationState, type Correlator, type IndexedEvent } from '@tapio/domain';
import { MINUTE, OOM_TYPES, PRESSURE_TYPES } from '../event-classes.js';
import { earliestOf, latestOf } from '../../state/state-walks.js';

/**
 * Performance correlation: OOM kills on a node CAUSED its memory pressure; pressure
 * CAUSED the evictions that follow on that node; OOM kills and evictions of other
 * workloads on the same node are CORRELATED_WITH them (noisy neighbour).
 */
export class PerformanceCorrelator implements Correlator {
  readonly id = 'performance';

  constructor(private readonly windowMs = 15 * MINUTE) {}

  correlate(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const { event, at, entityKey } = indexed;
    if (!entityKey) return [];
    const node = state.nodeNameOf(entityKey);
    if (!node) return [];
    const since = at - this.windowMs;
    const edges: Correlation[] = [];
    if (event.type === 'memory_pressure') {
      const kills = state.eventsOnNode(node, since, OOM_TYPES).filter((item) => item.at <= at).slice(-10);
      for (const kill of kills) {
        edges.push({ kind: 'CAUSED', fromEventId: kill.event.id, toEventId: event.id, confidence: 0.7, reason: `OOM kill on node ${node} ${Math.round((at - kill.at) / 1000)}s before memory pressure`, correlator: this.id });
      }
    }
    if (event.type === 'pod_evicted' || event.type === 'pod_failed') {
      const latest = latestOf(state, 'node', node, since, PRESSURE_TYPES, (item) => item.at <= at && entityKeyKind(item.entityKey ?? '') === 'Node');
      if (latest) {
        edges.push({ kind: 'CAUSED', fromEventId: latest.event.id, toEventId: event.id, confidence: event.type === 'pod_evicted' ? 0.85 : 0.5, reason: `node ${node} was under ${latest.event.type.replace('_', ' ')} ${Math.round((at - latest.at) / 1000)}s earlier`, correlator: this.id });
      }
    }
    if (OOM_TYPES.has(event.type) || event.type === 'pod_evicted') {
      const owner = state.rootOwner(entityKey);
      const first = earliestOf(state, 'node', node, since, OOM_TYPES, (item) => item.at <= at && !!item.entityKey && state.rootOwner(item.entityKey) !== owner);
      if (first) {
        edges.push({ kind: 'CORRELATED_WITH', fromEventId: first.event.id, toEventId: event.id, confidence: 0.5, reason: `another workload on node ${node} was OOM-killed (noisy neighbour)`, correlator: this.id });
      }
    }
    return edges;
  }
}

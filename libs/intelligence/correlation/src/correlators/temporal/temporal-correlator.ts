import type { Correlation, CorrelationState, Correlator, IndexedEvent } from '@tapio/domain';
import { INTERESTING_TYPES, isInteresting, MINUTE, NODE_SHARED_TYPES } from '../event-classes.js';
import { NearestEarlier } from './nearest-earlier.js';
import { walksBack, type EventVisitor } from '../../state/state-walks.js';

export interface TemporalOptions {
  windowMs?: number;
  /** Most CORRELATED_WITH edges one event gets (the nearest in time). */
  maxLinks?: number;
}

/**
 * Temporal correlation: a failure or change is CORRELATED_WITH the nearest earlier
 * failures and changes on related entities (same entity, same owner family, the
 * ConfigMaps / Secrets / PVCs it uses) and the node trouble or resource contention
 * (OOM kills, evictions) on its node, within a window.
 */
export class TemporalCorrelator implements Correlator {
  readonly id = 'temporal';
  private readonly windowMs: number;
  private readonly maxLinks: number;

  constructor(options: TemporalOptions = {}) {
    this.windowMs = options.windowMs ?? 5 * MINUTE;
    this.maxLinks = options.maxLinks ?? 3;
  }

  correlate(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const { event, at, entityKey } = indexed;
    if (!entityKey || !isInteresting(event.type)) return [];
    const since = at - this.windowMs;
    const nearest = new NearestEarlier(this.maxLinks, event.id, at);
    const owner = state.rootOwner(entityKey);
    if (walksBack(state)) {
      const visit: EventVisitor = (item, inOrder) => nearest.offer(item, inOrder);
      nearest.begin('same entity');
      state.walkBackOn(entityKey, since, INTERESTING_TYPES, visit);
      if (owner !== entityKey) {
        nearest.begin('same owner');
        state.walkBackOnOwner(owner, since, INTERESTING_TYPES, visit);
      }
      for (const dependency of state.dependenciesOf(entityKey)) {
        nearest.begin('uses it');
        state.walkBackOn(dependency, since, INTERESTING_TYPES, visit);
      }
    } else {
      nearest.consider(state.eventsOn(entityKey, since, INTERESTING_TYPES), 'same entity');
      if (owner !== entityKey) nearest.consider(state.eventsOnOwner(owner, since, INTERESTING_TYPES), 'same owner');
      for (const dependency of state.dependenciesOf(entityKey)) nearest.consider(state.eventsOn(dependency, since, INTERESTING_TYPES), 'uses it');
    }
    const node = state.nodeNameOf(entityKey);
    if (node && walksBack(state)) {
      nearest.begin(`same node ${node}`);
      state.walkBackOnNode(node, since, NODE_SHARED_TYPES, (item, inOrder) => nearest.offer(item, inOrder));
    } else if (node) nearest.consider(state.eventsOnNode(node, since, NODE_SHARED_TYPES), `same node ${node}`);
    return nearest.best
      .map(({ item, why }) => ({
        kind: 'CORRELATED_WITH' as const,
        fromEventId: item.event.id,
        toEventId: event.id,
        confidence: 0.5,
        reason: `${item.event.type} ${Math.round((at - item.at) / 1000)}s earlier (${why})`,
        correlator: this.id,
      }));
  }
}

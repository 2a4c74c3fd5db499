import type { Correlation, Correlator, UnifiedEvent } from '@tapio/domain';
import { WorkingState } from '../../src/index.js';

/**
 * Feeds every event into a working state, then runs `correlator` on `target` (one of
 * them) the way the engine does on arrival: with only the events before it indexed.
 */
export function edgesFor(correlator: Correlator, events: readonly UnifiedEvent[], target: UnifiedEvent): Correlation[] {
  const state = new WorkingState();
  for (const event of events) {
    const added = state.add(event);
    if (event.id === target.id) {
      if (!added) throw new Error(`target ${target.id} was a duplicate`);
      return correlator.correlate(added.indexed, state);
    }
  }
  throw new Error(`target ${target.id} is not among the events`);
}

export const fromTo = (edges: readonly Correlation[]) => edges.map((edge) => `${edge.kind} ${edge.fromEventId} -> ${edge.toEventId}`);

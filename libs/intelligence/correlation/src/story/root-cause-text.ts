import { formatEntity, type IndexedEvent } from '@tapio/domain';
import type { WorkingState } from '../state/working-state.js';
import { refOf } from './entity-refs.js';

/** What happened to the root cause, for the insight (with its time) and for the story's first line. */
export interface RootCauseText {
  /** The insight's `rootCause.what`. */
  what: string;
  /** The story's first line says when itself, so this one leaves the time out. */
  storyWhat: string;
}

/**
 * The root event is on the root entity itself, on a pod of it (a roll-up to the
 * workload: then the text counts the pods' events of that type over the hour before) or on
 * an entity that uses it (a pod that cannot attach the blamed volume: then it names that
 * entity).
 */
export function rootCauseText(state: WorkingState, rootKey: string, rootEvent: IndexedEvent): RootCauseText {
  const reporter = rootEvent.entityKey && rootEvent.entityKey !== rootKey ? rootEvent.entityKey : undefined;
  const rollup = reporter !== undefined && state.ownerChain(reporter).includes(rootKey);
  const event = rootEvent.event;
  if (rollup) {
    const family = state.eventsOnOwner(rootKey, rootEvent.at - 60 * 60_000).filter((item) => item.event.type === event.type);
    const what = `${family.length || 1} ${event.type.replace(/_/g, ' ')} event${family.length === 1 ? '' : 's'} on its pods since ${event.timestamp}; first: ${event.message}`;
    return { what, storyWhat: what };
  }
  const reportedOn = reporter ? `on ${formatEntity(refOf(reporter, state))}` : undefined;
  return {
    what: `${event.message} (${reportedOn ? `${reportedOn}, ` : ''}${event.timestamp})`,
    storyWhat: reportedOn ? `${event.message} (${reportedOn})` : event.message,
  };
}

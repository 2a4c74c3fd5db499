import { formatEntity, type IndexedEvent } from '@tapio/domain';
import type { WorkingState } from '../state/working-state.js';
import { distinctOccurrences } from './distinct-trouble.js';
import { refOf } from './entity-refs.js';

/** What happened to the root cause, for the insight (with its time) and for the story's first line. */
export interface RootCauseText {
  /** The insight's `rootCause.what`. */
  what: string;
  /** The story's first line says when itself, so this one leaves the time out. */
  storyWhat: string;
  /** The incident's first occurrence of the root trouble (a roll-up's first OOM kill), when it is earlier than the root event. */
  first?: IndexedEvent;
}

/** Earlier occurrences belong to the same incident while each follows the previous within this. */
const SAME_INCIDENT_GAP_MS = 30 * 60_000;

/** The root event's family of occurrences: each counted once, and the run of them that leads up to it without a long pause. */
function incidentOccurrences(state: WorkingState, rootKey: string, rootEvent: IndexedEvent): IndexedEvent[] {
  const all = distinctOccurrences(state.eventsOnOwner(rootKey, rootEvent.at - 2 * SAME_INCIDENT_GAP_MS).filter((item) => item.event.type === rootEvent.event.type));
  let start = all.findIndex((item) => item.at >= rootEvent.at);
  if (start < 0) return [rootEvent];
  while (start > 0 && (all[start] as IndexedEvent).at - (all[start - 1] as IndexedEvent).at <= SAME_INCIDENT_GAP_MS) start -= 1;
  return all.slice(start);
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
    // Every occurrence counted once, from the first of the incident (a pattern counting kills matches on a later one).
    const family = incidentOccurrences(state, rootKey, rootEvent);
    const first = family[0] ?? rootEvent;
    const count = Math.max(1, family.length);
    const what = `${count} ${event.type.replace(/_/g, ' ')} event${count === 1 ? '' : 's'} on its pods since ${first.event.timestamp}; first: ${first.event.message}`;
    return { what, storyWhat: what, ...(first.at < rootEvent.at ? { first } : {}) };
  }
  const reportedOn = reporter ? `on ${formatEntity(refOf(reporter, state))}` : undefined;
  return {
    what: `${event.message} (${reportedOn ? `${reportedOn}, ` : ''}${event.timestamp})`,
    storyWhat: reportedOn ? `${event.message} (${reportedOn})` : event.message,
  };
}

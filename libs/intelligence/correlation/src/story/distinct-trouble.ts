import type { IndexedEvent } from '@tapio/domain';

/** Reports of one kill or restart by different sources (pod status, the kubelet's Event, containerd) land within this of each other. */
const SAME_OCCURRENCE_MS = 60_000;

interface Seen {
  entityKey: string | undefined;
  container: string | undefined;
  restartCount: number | undefined;
  at: number;
}

function sameOccurrence(seen: Seen, event: IndexedEvent): boolean {
  if (seen.entityKey !== event.entityKey) return false;
  const container = event.event.kubernetes?.container;
  if (seen.container !== undefined && container !== undefined && seen.container !== container) return false;
  const restartCount = event.event.kubernetes?.restartCount;
  // The same restart count of the same container is the same kill, however late it is reported.
  if (seen.restartCount !== undefined && restartCount !== undefined) return seen.restartCount === restartCount;
  return Math.abs(seen.at - event.at) <= SAME_OCCURRENCE_MS;
}

/**
 * The events that are distinct occurrences, oldest first: one OOM kill seen in the pod's
 * status, in the kubelet's Event and by containerd is counted once, so "19 OOM kills"
 * means nineteen kills.
 */
export function distinctOccurrences(events: readonly IndexedEvent[]): IndexedEvent[] {
  const seen: Seen[] = [];
  const distinct: IndexedEvent[] = [];
  for (const event of [...events].sort((a, b) => a.at - b.at || a.event.id.localeCompare(b.event.id))) {
    const same = seen.find((item) => sameOccurrence(item, event));
    if (same) {
      // A later report of the same kill may know what the first did not (the container, its restart count).
      same.container ??= event.event.kubernetes?.container;
      same.restartCount ??= event.event.kubernetes?.restartCount;
      continue;
    }
    seen.push({ entityKey: event.entityKey, container: event.event.kubernetes?.container, restartCount: event.event.kubernetes?.restartCount, at: event.at });
    distinct.push(event);
  }
  return distinct;
}

import { entityKeyKind, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';

/** A reader of events walked newest first; returns false to stop the walk. `inOrder`: see `EventRing.walkBack`. */
export type EventVisitor = (item: IndexedEvent, inOrder: boolean) => boolean;

/** The engine's working state also walks an entity's, owner's or node's events newest first, so a reader can stop early. */
export interface WalksBack {
  walkBackOn(key: string, since: number, types: ReadonlySet<EventType> | undefined, visit: EventVisitor): void;
  walkBackOnOwner(ownerKey: string, since: number, types: ReadonlySet<EventType> | undefined, visit: EventVisitor): void;
  walkBackOnNode(nodeName: string, since: number, types: ReadonlySet<EventType> | undefined, visit: EventVisitor): void;
}

export function walksBack(state: CorrelationState): state is CorrelationState & WalksBack {
  const candidate = state as CorrelationState & Partial<WalksBack>;
  return typeof candidate.walkBackOn === 'function' && typeof candidate.walkBackOnOwner === 'function' && typeof candidate.walkBackOnNode === 'function';
}

/** Which of the state's keyed lists: `eventsOn`, `eventsOnOwner` or `eventsOnNode`. */
export type Scope = 'entity' | 'owner' | 'node';

/**
 * The events the scope's list (`eventsOn` …) holds, newest first by arrival, each handed to
 * `visit` until it returns false. A state that cannot walk gives its list, read backwards
 * (never claiming order, so no reader stops on it early).
 */
export function walkBack(state: CorrelationState, scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, visit: EventVisitor): void {
  if (walksBack(state)) {
    if (scope === 'entity') state.walkBackOn(key, since, types, visit);
    else if (scope === 'owner') state.walkBackOnOwner(key, since, types, visit);
    else state.walkBackOnNode(key, since, types, visit);
    return;
  }
  const list = scope === 'entity' ? state.eventsOn(key, since, types) : scope === 'owner' ? state.eventsOnOwner(key, since, types) : state.eventsOnNode(key, since, types);
  for (let index = list.length - 1; index >= 0; index -= 1) if (!visit(list[index] as IndexedEvent, false)) return;
}

/**
 * The last event of the list that `accept`s, as `list.filter(accept).at(-1)`: walking newest
 * first, the first accepted ends the walk (no list built, the older events never read).
 */
export function latestOf(state: CorrelationState, scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, accept: (item: IndexedEvent) => boolean): IndexedEvent | undefined {
  let found: IndexedEvent | undefined;
  walkBack(state, scope, key, since, types, (item) => {
    if (!accept(item)) return true;
    found = item;
    return false;
  });
  return found;
}

/** The first event of the list that `accept`s, as `list.filter(accept)[0]`: the whole list is walked, but none is built. */
export function earliestOf(state: CorrelationState, scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, accept: (item: IndexedEvent) => boolean): IndexedEvent | undefined {
  let found: IndexedEvent | undefined;
  walkBack(state, scope, key, since, types, (item) => {
    if (accept(item)) found = item;
    return true;
  });
  return found;
}

/** Whether any event of the list `accept`s (stops at the first, newest first). */
export function anyOf(state: CorrelationState, scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, accept: (item: IndexedEvent) => boolean): boolean {
  return latestOf(state, scope, key, since, types, accept) !== undefined;
}

/**
 * The latest event time at or before `at` in the list (-Infinity when none). Walking newest
 * first, an event in order at or before `at` ends the walk: every event further back has no
 * later time than it.
 */
export function lastTimeOf(state: CorrelationState, scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, at: number): number {
  let last = Number.NEGATIVE_INFINITY;
  walkBack(state, scope, key, since, types, (item, inOrder) => {
    if (item.at > at) return true;
    if (item.at > last) last = item.at;
    return !inOrder;
  });
  return last;
}

/** A state that counts a scope's events from what it keeps beside each event (see `countUntil`). */
export interface CountsUntil {
  countUntil(scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, until: number, distinct: boolean): number;
}

function countsUntil(state: CorrelationState): state is CorrelationState & CountsUntil {
  return typeof (state as CorrelationState & Partial<CountsUntil>).countUntil === 'function';
}

/**
 * How many events of the scope's list are at or before `until` (the list `walkBack` walks),
 * or on how many distinct entities (an event without one counts as one entity, as
 * `new Set(items.map((item) => item.entityKey)).size` would).
 */
export function countUntil(state: CorrelationState, scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, until: number, distinct: boolean): number {
  if (countsUntil(state)) return state.countUntil(scope, key, since, types, until, distinct);
  const entities = distinct ? new Set<string | undefined>() : undefined;
  let counted = 0;
  walkBack(state, scope, key, since, types, (item) => {
    if (item.at > until) return true;
    if (entities) entities.add(item.entityKey);
    else counted += 1;
    return true;
  });
  return entities ? entities.size : counted;
}

/** What `earliestMatching` asks of an event beside being in the list; every field optional. */
export interface EventFilter {
  /** At or before this time (epoch ms). */
  until?: number;
  /** After this time (epoch ms). */
  after?: number;
  /** Not an event of this entity (key). */
  otherThan?: string;
  /** Only events of a Pod (by the entity key's kind). */
  podsOnly?: boolean;
}

/** A state that answers `earliestMatching` and `latestMatching` from what it keeps beside each event, without reading the events it passes. */
export interface FindsMatching {
  earliestMatching(scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, filter: EventFilter): IndexedEvent | undefined;
  latestMatching(scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, filter: EventFilter): IndexedEvent | undefined;
}

function findsMatching(state: CorrelationState): state is CorrelationState & FindsMatching {
  const candidate = state as CorrelationState & Partial<FindsMatching>;
  return typeof candidate.earliestMatching === 'function' && typeof candidate.latestMatching === 'function';
}

/** The filter as a test of one event (what a state that cannot answer it itself applies). */
export function passes(filter: EventFilter): (item: IndexedEvent) => boolean {
  const { until = Number.POSITIVE_INFINITY, after = Number.NEGATIVE_INFINITY, otherThan, podsOnly = false } = filter;
  return (item) => item.at <= until && item.at > after && (otherThan === undefined || item.entityKey !== otherThan) && (!podsOnly || entityKeyKind(item.entityKey ?? '') === 'Pod');
}

/**
 * `earliestOf` with a filter the working state can test on its slot columns (time, entity
 * and kind), so a long list is walked without reading each event object: the ownership
 * correlator asks it for every pod failure, over all its siblings' failures of 30 minutes.
 */
export function earliestMatching(state: CorrelationState, scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, filter: EventFilter): IndexedEvent | undefined {
  if (findsMatching(state)) return state.earliestMatching(scope, key, since, types, filter);
  return earliestOf(state, scope, key, since, types, passes(filter));
}

/** `latestOf` with a filter, as `earliestMatching`. */
export function latestMatching(state: CorrelationState, scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, filter: EventFilter): IndexedEvent | undefined {
  if (findsMatching(state)) return state.latestMatching(scope, key, since, types, filter);
  return latestOf(state, scope, key, since, types, passes(filter));
}

/** Whether any event of the list passes the filter. */
export function anyMatching(state: CorrelationState, scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, filter: EventFilter): boolean {
  return latestMatching(state, scope, key, since, types, filter) !== undefined;
}

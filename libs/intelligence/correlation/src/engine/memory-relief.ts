import type { WorkingState } from '../state/working-state.js';

/** The window never sheds below this many events: the newest ones are what the next events match against. */
export const MIN_WINDOW_EVENTS = 1_000;

/** What one shedding step freed: the window's events before and after. */
export interface WindowShed {
  before: number;
  after: number;
}

/**
 * Memory relief for a process that memory pressure made read-only: the older half of the
 * engine's window goes (its events are stored in the graph, where reads still find them;
 * only matching a later event against them is lost) and the window stays at that size from
 * then on, so the same traffic does not fill it again. Caches that are rebuilt on demand
 * are dropped with it (they also hold events that left the window). Nothing accepted is
 * lost and no stored answer changes. Undefined when the window is already at its floor.
 */
export function shedWindow(state: WorkingState, caches: ReadonlyArray<{ forget(): void }>): WindowShed | undefined {
  const before = state.size;
  if (before <= MIN_WINDOW_EVENTS) return undefined;
  state.shrinkTo(Math.max(MIN_WINDOW_EVENTS, Math.floor(before / 2)));
  for (const cache of caches) cache.forget();
  return { before, after: state.size };
}

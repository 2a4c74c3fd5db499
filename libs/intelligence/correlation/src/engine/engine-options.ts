import type { WorkingStateOptions } from '../state/working-state.js';

/** How much the engine remembers besides its window of events (docs/architecture.md, "Bounded memory"). */
export interface EngineLimits {
  /** Incidents in the book (default 10,000); those last seen longest ago leave first. */
  maxIncidents?: number;
  /** Matches waiting for their hold (default 10,000); beyond, the oldest is reported at once. */
  maxHeld?: number;
  /** Pattern-and-root pairs whose earlier occurrences are remembered (default 10,000). */
  maxHistoryKeys?: number;
  /** Start times of earlier occurrences kept per pair (default 20; the count stays exact). */
  maxTimesPerKey?: number;
  /** Root-cause walks cached by start event (default 50,000); beyond, the oldest tenth is dropped. */
  maxCachedWalks?: number;
  /** Predictions waiting for their deadline, and judged ones remembered (default 10,000 each); beyond, the one due first is forgotten. */
  maxTrackedPredictions?: number;
}

export interface EngineOptions extends WorkingStateOptions {
  /** A new match with the same root cause within this time joins the existing insight. */
  mergeWindowMs?: number;
  /** Incidents leave the book once last seen a window (`windowMs`) before the newest event; these bound the rest. */
  limits?: EngineLimits;
}

import type { Correlation, CorrelationState, IndexedEvent } from '@tapio/domain';
import { CausalGraph } from './causal-graph.js';
import { findRootCause, type CausalPath } from './find-root-cause.js';

const DEFAULT_MAX_WALKS = 50_000;
const DEFAULT_SWEEP_EVERY = 1024;

/**
 * The causal edges between recent events and the root-cause walks over them, cached by
 * start event. Correlators link a new event to earlier ones only, so an event's causal
 * ancestry is final once it has been processed and its walk can be reused for every later
 * match (busy incidents match on almost every event). An edge into an earlier event
 * changes that event's ancestry, so it forgets every cached walk; a cached walk through an
 * event that left the window is walked again.
 */
export class CausalWalkCache {
  private readonly graph = new CausalGraph();
  private readonly walks = new Map<string, CausalPath>();
  private inserts = 0;
  private readonly isLive = (id: string) => this.state.get(id) !== undefined;

  constructor(
    private readonly state: CorrelationState,
    private readonly maxWalks: number = DEFAULT_MAX_WALKS,
    /** Walks cached between two sweeps for walks from events that left the window. */
    private readonly sweepEvery = DEFAULT_SWEEP_EVERY,
  ) {}

  /** Records a correlator's edge found while processing the event `newEventId`. */
  add(correlation: Correlation, newEventId: string): void {
    if (this.graph.add(correlation, this.isLive) && correlation.toEventId !== newEventId) this.walks.clear();
  }

  /** The causal path from `start` back to its earliest cause (see findRootCause). */
  rootPath(start: IndexedEvent): CausalPath {
    const cached = this.walks.get(start.event.id);
    if (cached && cached.events.every((item) => this.state.get(item.event.id) !== undefined)) return cached;
    const path = findRootCause(start, this.graph, this.state);
    // Walks from events that left the window are never asked for again: drop them now and then.
    if (++this.inserts % this.sweepEvery === 0) {
      for (const [id] of this.walks) if (this.state.get(id) === undefined) this.walks.delete(id);
    }
    if (this.walks.size >= this.maxWalks) {
      // Oldest first (insertion order): drop a tenth.
      let drop = Math.max(1, Math.floor(this.maxWalks / 10));
      for (const key of this.walks.keys()) {
        this.walks.delete(key);
        if ((drop -= 1) <= 0) break;
      }
    }
    this.walks.set(start.event.id, path);
    return path;
  }

  /** Drops every cached walk (memory relief): they are found again on demand, and they hold events that left the window. */
  forget(): void {
    this.walks.clear();
  }

  /** Walks held in the cache. */
  get size(): number {
    return this.walks.size;
  }
}

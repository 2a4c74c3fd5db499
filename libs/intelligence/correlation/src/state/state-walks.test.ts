import { describe, expect, it } from 'vitest';
import { EVENT_SEMANTICS, entityKey, type CorrelationState, type EventType, type IndexedEvent, type UnifiedEvent } from '@tapio/domain';
import { WorkingState } from './working-state.js';
import { anyOf, earliestOf, lastTimeOf, latestOf, walksBack, type Scope } from './state-walks.js';

const START = Date.UTC(2026, 2, 2, 10);
const TYPES: EventType[] = ['pod_restart', 'oom_killed', 'probe_failed', 'crash_loop', 'pod_ready'];

function event(n: number, type: EventType, name: string, node: string, atMs: number): UnifiedEvent {
  return {
    id: `e${n}`,
    type,
    timestamp: new Date(atMs).toISOString(),
    source: 'test',
    severity: EVENT_SEMANTICS[type].severity,
    message: `e${n}`,
    semantic: { intent: EVENT_SEMANTICS[type].intent, category: EVENT_SEMANTICS[type].category, narrative: `e${n}` },
    entity: { cluster: 'c', kind: 'Pod', namespace: 'shop', name },
    k8sContext: { nodeName: node },
    processedAt: '2026-03-02T10:00:00Z',
  } as UnifiedEvent;
}

/** Deterministic xorshift32. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** The same state with only the list reads of the plugin interface: the helpers' fallback. */
function listsOnly(state: WorkingState): CorrelationState {
  return {
    eventsOn: (key: string, since: number, types?: ReadonlySet<EventType>) => state.eventsOn(key, since, types),
    eventsOnOwner: (key: string, since: number, types?: ReadonlySet<EventType>) => state.eventsOnOwner(key, since, types),
    eventsOnNode: (key: string, since: number, types?: ReadonlySet<EventType>) => state.eventsOnNode(key, since, types),
  } as unknown as CorrelationState;
}

function listOf(state: WorkingState, scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined): IndexedEvent[] {
  if (scope === 'entity') return state.eventsOn(key, since, types);
  if (scope === 'owner') return state.eventsOnOwner(key, since, types);
  return state.eventsOnNode(key, since, types);
}

describe('state walks: the first, latest and last time of a list, read newest first', () => {
  it('answer as the list filtered would, with late arrivals, through eviction, walking or not', () => {
    const next = random(23);
    const state = new WorkingState({ maxEvents: 1_500 });
    const fallback = listsOnly(state);
    expect(walksBack(state)).toBe(true);
    expect(walksBack(fallback)).toBe(false);
    let at = START;
    let rounds = 0;
    let lateWins = 0;
    for (let n = 0; n < 8_000; n += 1) {
      // Mostly in time order; one event in 20 arrives up to 90 s late (past the 60 s slack of a walk).
      at += Math.floor(next() * 3) * 100;
      const late = next() < 0.05 ? Math.floor(next() * 90_000) : 0;
      const type = TYPES[Math.floor(next() * TYPES.length)] as EventType;
      const added = event(n, type, `web-${Math.floor(next() * 12)}`, `node-${Math.floor(next() * 3)}`, at - late);
      state.add(added);
      if (n % 37 !== 0) continue;
      const pod = entityKey(added.entity!);
      const since = at - Math.floor(next() * 120_000);
      const cut = at - Math.floor(next() * 60_000);
      const wanted = next() < 0.3 ? undefined : new Set<EventType>(TYPES.slice(0, 1 + Math.floor(next() * TYPES.length)));
      const accept = (item: IndexedEvent) => item.at <= cut && item.event.type !== 'probe_failed';
      for (const [scope, key] of [['entity', pod], ['node', `node-${n % 3}`]] as Array<[Scope, string]>) {
        const list = listOf(state, scope, key, since, wanted);
        const accepted = list.filter(accept);
        const times = list.filter((item) => item.at <= cut).map((item) => item.at);
        const lastTime = times.length === 0 ? Number.NEGATIVE_INFINITY : Math.max(...times);
        if (times.length > 0 && list[list.length - 1]!.at <= cut && list[list.length - 1]!.at < lastTime) lateWins += 1;
        for (const read of [state, fallback]) {
          expect(latestOf(read, scope, key, since, wanted, accept)?.event.id).toBe(accepted[accepted.length - 1]?.event.id);
          expect(earliestOf(read, scope, key, since, wanted, accept)?.event.id).toBe(accepted[0]?.event.id);
          expect(anyOf(read, scope, key, since, wanted, accept)).toBe(accepted.length > 0);
          expect(lastTimeOf(read, scope, key, since, wanted, cut)).toBe(lastTime);
        }
        rounds += 1;
      }
    }
    expect(rounds).toBeGreaterThan(400);
    // Rounds where the newest arrival at or before the cut was not the latest in time: a walk
    // that stopped at the first event regardless of order would have failed them.
    expect(lateWins).toBeGreaterThan(5);
  });
});

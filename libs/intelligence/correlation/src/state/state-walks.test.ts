import { describe, expect, it } from 'vitest';
import { seededRandom } from '@tapio/domain/testing';
import { EVENT_SEMANTICS, entityKey, type CorrelationState, type EventType, type IndexedEvent, type UnifiedEvent } from '@tapio/domain';
import { WorkingState } from './working-state.js';
import { anyMatching, anyOf, countUntil, earliestMatching, earliestOf, lastTimeOf, latestMatching, latestOf, passes, walksBack, type EventFilter, type Scope } from './state-walks.js';

const START = Date.UTC(2026, 2, 2, 10);
const TYPES: EventType[] = ['pod_restart', 'oom_killed', 'probe_failed', 'crash_loop', 'pod_ready'];

function event(n: number, type: EventType, name: string, node: string, atMs: number, kind = 'Pod'): UnifiedEvent {
  return {
    id: `e${n}`,
    type,
    timestamp: new Date(atMs).toISOString(),
    source: 'test',
    severity: EVENT_SEMANTICS[type].severity,
    message: `e${n}`,
    semantic: { intent: EVENT_SEMANTICS[type].intent, category: EVENT_SEMANTICS[type].category, narrative: `e${n}` },
    entity: { cluster: 'c', kind, namespace: 'shop', name },
    k8sContext: { nodeName: node },
    processedAt: '2026-03-02T10:00:00Z',
  } as UnifiedEvent;
}

/**
 * Arrivals from START: mostly in time order (0 to 200 ms after the last), one in 20 up to 90 s
 * late (past the 60 s slack of a walk). `at`: the clock; `eventAt`: the event's own time.
 */
function arrivals(next: () => number): () => { at: number; eventAt: number; type: EventType } {
  let at = START;
  return () => {
    at += Math.floor(next() * 3) * 100;
    const late = next() < 0.05 ? Math.floor(next() * 90_000) : 0;
    return { at, eventAt: at - late, type: TYPES[Math.floor(next() * TYPES.length)] as EventType };
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
    const next = seededRandom(23);
    const state = new WorkingState({ maxEvents: 1_500 });
    const fallback = listsOnly(state);
    expect(walksBack(state)).toBe(true);
    expect(walksBack(fallback)).toBe(false);
    const arrive = arrivals(next);
    let rounds = 0;
    let lateWins = 0;
    for (let n = 0; n < 8_000; n += 1) {
      const { at, eventAt, type } = arrive();
      const added = event(n, type, `web-${Math.floor(next() * 12)}`, `node-${Math.floor(next() * 3)}`, eventAt);
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

/** c/Deployment/shop/web owns the ReplicaSet web-a, which owns pods web-0 … web-5; web-b owns web-6 … web-11 alone. */
function ownedTopology(state: WorkingState): void {
  const at = new Date(START).toISOString();
  const key = (kind: string, name: string) => `c/${kind}/shop/${name}`;
  const node = (kind: string, name: string) => ({ key: key(kind, name), ref: { cluster: 'c', kind, namespace: 'shop', name }, deleted: false, updatedAt: at });
  const owns = (ownerKind: string, owner: string, kind: string, name: string) => ({ op: 'upsert' as const, node: node(kind, name), replace: [{ type: 'OWNS' as const, direction: 'in' as const }], edges: [{ type: 'OWNS' as const, from: key(ownerKind, owner), to: key(kind, name) }] });
  state.topology.apply({ op: 'upsert', node: node('Deployment', 'web'), replace: [], edges: [] });
  state.topology.apply(owns('Deployment', 'web', 'ReplicaSet', 'web-a'));
  state.topology.apply({ op: 'upsert', node: node('ReplicaSet', 'web-b'), replace: [], edges: [] });
  for (let pod = 0; pod < 12; pod += 1) state.topology.apply(owns('ReplicaSet', pod < 6 ? 'web-a' : 'web-b', 'Pod', `web-${pod}`));
}

describe('earliestMatching, latestMatching: the first and last event of a list that pass a filter, tested on the ring\'s columns', () => {
  it('answers as the list filtered would, for every filter field, with owners, other kinds, late arrivals and eviction', () => {
    const next = seededRandom(41);
    const state = new WorkingState({ maxEvents: 1_200 });
    ownedTopology(state);
    const fallback = listsOnly(state);
    const arrive = arrivals(next);
    let rounds = 0;
    let decided = 0;
    for (let n = 0; n < 9_000; n += 1) {
      const { at, eventAt, type } = arrive();
      // One event in six on the ReplicaSet web-a (listed under the Deployment's owner list, not a Pod).
      const onReplicaSet = next() < 1 / 6;
      const added = onReplicaSet ? event(n, type, 'web-a', `node-${n % 3}`, eventAt, 'ReplicaSet') : event(n, type, `web-${Math.floor(next() * 12)}`, `node-${Math.floor(next() * 3)}`, eventAt);
      state.add(added);
      if (n % 29 !== 0) continue;
      const self = entityKey(added.entity!);
      const since = at - Math.floor(next() * 120_000);
      const wanted = next() < 0.3 ? undefined : new Set<EventType>(TYPES.slice(0, 1 + Math.floor(next() * TYPES.length)));
      const filters: EventFilter[] = [
        {},
        { until: at - Math.floor(next() * 60_000) },
        { after: since + Math.floor(next() * 60_000), until: at },
        { otherThan: self, podsOnly: true, until: at },
        { otherThan: self },
        { podsOnly: true },
        { otherThan: 'c/Pod/shop/never-seen', podsOnly: true },
      ];
      const scopes: Array<[Scope, string]> = [['entity', self], ['owner', 'c/Deployment/shop/web'], ['owner', 'c/ReplicaSet/shop/web-b'], ['node', `node-${n % 3}`]];
      for (const [scope, key] of scopes) {
        const list = listOf(state, scope, key, since, wanted);
        for (const filter of filters) {
          const passed = list.filter(passes(filter));
          const [first, last] = [passed[0]?.event.id, passed[passed.length - 1]?.event.id];
          if (first !== undefined && first !== list[0]?.event.id) decided += 1;
          if (last !== undefined && last !== list[list.length - 1]?.event.id) decided += 1;
          for (const read of [state, fallback]) {
            expect(earliestMatching(read, scope, key, since, wanted, filter)?.event.id).toBe(first);
            expect(latestMatching(read, scope, key, since, wanted, filter)?.event.id).toBe(last);
            expect(anyMatching(read, scope, key, since, wanted, filter)).toBe(passed.length > 0);
          }
          rounds += 1;
        }
      }
    }
    expect(rounds).toBeGreaterThan(5_000);
    // Answers that are not simply the list's first event: the filter decided them.
    expect(decided).toBeGreaterThan(1_000);
  });

  it('filters by the entity and its kind as the key of the event says', () => {
    const state = new WorkingState();
    ownedTopology(state);
    state.add(event(1, 'pod_restart', 'web-a', 'node-0', START, 'ReplicaSet'));
    state.add(event(2, 'pod_restart', 'web-1', 'node-0', START + 1_000));
    state.add(event(3, 'pod_restart', 'web-2', 'node-0', START + 2_000));
    const owner = 'c/Deployment/shop/web';
    expect(earliestMatching(state, 'owner', owner, START, undefined, {})?.event.id).toBe('e1');
    expect(earliestMatching(state, 'owner', owner, START, undefined, { podsOnly: true })?.event.id).toBe('e2');
    expect(earliestMatching(state, 'owner', owner, START, undefined, { podsOnly: true, otherThan: 'c/Pod/shop/web-1' })?.event.id).toBe('e3');
    expect(earliestMatching(state, 'owner', owner, START, undefined, { podsOnly: true, until: START + 500 })).toBeUndefined();
    expect(latestMatching(state, 'owner', owner, START, undefined, { otherThan: 'c/Pod/shop/web-2' })?.event.id).toBe('e2');
    expect(latestMatching(state, 'owner', owner, START, undefined, { until: START + 500 })?.event.id).toBe('e1');
  });
});

describe('countUntil: how many events of a list are at or before a time, or on how many entities, counted on the ring\'s columns', () => {
  it('counts as the list filtered would, typed or not, with owners, late arrivals and eviction', () => {
    const next = seededRandom(59);
    const state = new WorkingState({ maxEvents: 1_300 });
    ownedTopology(state);
    const fallback = listsOnly(state);
    const arrive = arrivals(next);
    let rounds = 0;
    let cutSome = 0;
    let severalEntities = 0;
    for (let n = 0; n < 9_000; n += 1) {
      const { at, eventAt, type } = arrive();
      const onReplicaSet = next() < 1 / 6;
      const added = onReplicaSet ? event(n, type, 'web-a', `node-${n % 3}`, eventAt, 'ReplicaSet') : event(n, type, `web-${Math.floor(next() * 12)}`, `node-${Math.floor(next() * 3)}`, eventAt);
      state.add(added);
      if (n % 31 !== 0) continue;
      const since = at - Math.floor(next() * 120_000);
      const until = next() < 0.5 ? at : at - Math.floor(next() * 60_000);
      const wanted = next() < 0.3 ? undefined : new Set<EventType>(TYPES.slice(0, 1 + Math.floor(next() * TYPES.length)));
      const scopes: Array<[Scope, string]> = [['entity', entityKey(added.entity!)], ['owner', 'c/Deployment/shop/web'], ['owner', 'c/ReplicaSet/shop/web-b'], ['node', `node-${n % 3}`], ['node', 'node-never']];
      for (const [scope, key] of scopes) {
        const list = listOf(state, scope, key, since, wanted);
        const counted = list.filter((item) => item.at <= until);
        const entities = new Set(counted.map((item) => item.entityKey)).size;
        if (counted.length < list.length) cutSome += 1;
        if (entities > 1) severalEntities += 1;
        for (const read of [state, fallback]) {
          expect(countUntil(read, scope, key, since, wanted, until, false)).toBe(counted.length);
          expect(countUntil(read, scope, key, since, wanted, until, true)).toBe(entities);
        }
        rounds += 1;
      }
    }
    expect(rounds).toBeGreaterThan(1_400);
    // Counts that the time bound and the distinct entities decided, not only the list's length.
    expect(cutSome).toBeGreaterThan(100);
    expect(severalEntities).toBeGreaterThan(300);
  });
});

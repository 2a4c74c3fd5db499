import { describe, expect, it } from 'vitest';
import { seededRandom } from '@tapio/domain/testing';
import { EVENT_SEMANTICS, entityKey, type EventType, type UnifiedEvent } from '@tapio/domain';
import { WorkingState } from './working-state.js';

const START = Date.UTC(2026, 2, 2, 10);

function event(n: number, options: { type?: EventType; name?: string; namespace?: string; atMs?: number } = {}): UnifiedEvent {
  const type = options.type ?? 'pod_restart';
  return {
    id: `e${n}`,
    type,
    timestamp: new Date(options.atMs ?? START + n * 100).toISOString(),
    source: 'test',
    severity: EVENT_SEMANTICS[type].severity,
    message: `e${n}`,
    semantic: { intent: EVENT_SEMANTICS[type].intent, category: EVENT_SEMANTICS[type].category, narrative: `e${n}` },
    entity: { cluster: 'c', kind: 'Pod', namespace: options.namespace ?? 'shop', name: options.name ?? `web-${n % 50}` },
    processedAt: '2026-03-02T10:00:00Z',
  };
}

describe('WorkingState: the event ring and its chains', () => {
  it('holds no slot or key for events that left a short window', () => {
    // 10 events a second, a 1-minute window: 600 live events, every one on a pod of its own.
    const state = new WorkingState({ windowMs: 60_000 });
    for (let n = 0; n < 20_000; n += 1) state.add(event(n, { name: `web-${n}` }));
    expect(state.size).toBe(601);
    expect(state.held.slots).toBe(1_024);
    // Stale keys (of the entity index, which holds the entity tags too, and of the shared parts)
    // are forgotten once as many events arrived as the window holds (at least 4,096).
    expect(state.held.keys).toBeLessThanOrEqual(2 * (4_096 + 601) + 2);
  });

  it('answers every query as a filter over the live events would, through ring growth and eviction', () => {
    const types: EventType[] = ['pod_restart', 'oom_killed', 'probe_failed', 'crash_loop', 'k8s_event'];
    const next = seededRandom(7);
    const state = new WorkingState({ maxEvents: 3_000 });
    const added: UnifiedEvent[] = [];
    let at = START;
    for (let n = 0; n < 12_000; n += 1) {
      at += Math.floor(next() * 3) * 50; // non-decreasing, with repeats
      const added1 = event(n, { type: types[Math.floor(next() * types.length)], name: `web-${Math.floor(next() * 40)}`, namespace: `ns-${Math.floor(next() * 3)}`, atMs: at });
      state.add(added1);
      added.push(added1);
      if (n % 997 !== 0) continue;
      const live = added.slice(-3_000);
      const since = at - Math.floor(next() * 200_000);
      const wanted = new Set<EventType>(types.slice(0, 1 + Math.floor(next() * 3)));
      const ids = (list: ReadonlyArray<{ event: UnifiedEvent }>) => list.map((item) => item.event.id);
      const expected = (match: (e: UnifiedEvent) => boolean) => live.filter((e) => Date.parse(e.timestamp) >= since && match(e)).map((e) => e.id);
      const key = entityKey(added1.entity!); // the newest event's pod: at least one answer
      const onKey = (e: UnifiedEvent) => e.entity !== undefined && entityKey(e.entity) === key;
      expect(expected(onKey).length).toBeGreaterThan(0);
      expect(ids(state.eventsOn(key, since))).toEqual(expected(onKey));
      expect(ids(state.eventsOn(key, since, wanted))).toEqual(expected((e) => onKey(e) && wanted.has(e.type)));
      expect(ids(state.eventsInNamespace('ns-1', since, wanted))).toEqual(expected((e) => e.entity?.namespace === 'ns-1' && wanted.has(e.type)));
      expect(ids(state.eventsInNamespace('ns-2', since))).toEqual(expected((e) => e.entity?.namespace === 'ns-2'));
      expect(ids(state.eventsOfType('oom_killed', since))).toEqual(expected((e) => e.type === 'oom_killed'));
      expect(state.hasEventOfType(new Set(['crash_loop']), since)).toBe(expected((e) => e.type === 'crash_loop').length > 0);
      expect(state.get(live[0]!.id)?.event).toBe(live[0]);
      if (added.length > 3_000) expect(state.get(added[added.length - 3_001]!.id)).toBeUndefined();
    }
    expect(state.size).toBe(3_000);
  });

  it('walks a key back newest first as its list reversed, and says in order only when no earlier arrival is later', () => {
    const types: EventType[] = ['pod_restart', 'oom_killed', 'probe_failed', 'crash_loop', 'k8s_event'];
    const next = seededRandom(11);
    const state = new WorkingState({ maxEvents: 2_000 });
    let at = START;
    for (let n = 0; n < 6_000; n += 1) {
      // Mostly in time order; now and then an event that arrives up to 30 s late.
      at += Math.floor(next() * 3) * 50;
      const late = next() < 0.02 ? Math.floor(next() * 30_000) : 0;
      const added = event(n, { type: types[Math.floor(next() * types.length)], name: `web-${Math.floor(next() * 20)}`, atMs: at - late });
      state.add(added);
      if (n % 211 !== 0) continue;
      const key = entityKey(added.entity!);
      const since = at - Math.floor(next() * 100_000);
      for (const wanted of [undefined, new Set<EventType>(types.slice(0, 2)), new Set<EventType>(types)]) {
        const walked: Array<{ id: string; at: number; inOrder: boolean }> = [];
        state.walkBackOn(key, since, wanted, (item, inOrder) => {
          walked.push({ id: item.event.id, at: item.at, inOrder });
          return true;
        });
        expect(walked.map((item) => item.id)).toEqual(state.eventsOn(key, since, wanted).map((item) => item.event.id).reverse());
        // In order: nothing further back in the walk is later (the promise a reader stops on).
        walked.forEach((item, index) => {
          if (item.inOrder) expect(walked.slice(index + 1).every((older) => older.at <= item.at)).toBe(true);
        });
      }
      let visited = 0;
      state.walkBackOn(key, since, undefined, () => (visited += 1) < 2);
      expect(visited).toBe(Math.min(2, state.eventsOn(key, since).length));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { seededRandom } from '@tapio/domain/testing';
import type { EventType, IndexedEvent, UnifiedEvent } from '@tapio/domain';
import { NearestEarlier } from './nearest-earlier.js';

const TYPES: EventType[] = ['pod_restart', 'crash_loop', 'config_changed', 'k8s_event', 'oom_killed', 'pod_ready'];

function indexed(id: string, at: number, type: EventType): IndexedEvent {
  return { event: { id, type } as UnifiedEvent, at, entityKey: undefined };
}

/** What the temporal correlator did before: every distinct candidate, stable-sorted newest first, cut. */
function reference(lists: Array<[IndexedEvent[], string]>, limit: number, eventId: string, at: number): Array<[string, string]> {
  const candidates = new Map<string, { item: IndexedEvent; why: string }>();
  for (const [items, why] of lists) {
    for (const item of items) {
      if (item.event.id === eventId || item.at > at || !['pod_restart', 'crash_loop', 'config_changed', 'oom_killed'].includes(item.event.type)) continue;
      if (!candidates.has(item.event.id)) candidates.set(item.event.id, { item, why });
    }
  }
  return [...candidates.values()]
    .sort((a, b) => b.item.at - a.item.at)
    .slice(0, limit)
    .map(({ item, why }) => [item.event.id, why]);
}

describe('NearestEarlier', () => {
  it('keeps the same events, order and reasons as sorting every candidate (ties, repeats across lists, later events, routine types)', () => {
    const next = seededRandom(17);
    for (let round = 0; round < 500; round += 1) {
      const pool = Array.from({ length: 2 + Math.floor(next() * 12) }, (_, index) => indexed(`e${index}`, Math.floor(next() * 8) * 1000, TYPES[Math.floor(next() * TYPES.length)] as EventType));
      const lists: Array<[IndexedEvent[], string]> = ['same entity', 'same owner', 'uses it', 'same node'].map((why) => [pool.filter(() => next() < 0.5), why]);
      const limit = 1 + Math.floor(next() * 4);
      const at = 6000;
      const nearest = new NearestEarlier(limit, 'e0', at);
      for (const [items, why] of lists) nearest.consider(items, why);
      expect(nearest.best.map(({ item, why }) => [item.event.id, why])).toEqual(reference(lists, limit, 'e0', at));
    }
  });

  it('walking each list newest first and stopping early keeps the same events, order and reasons as reading it whole', () => {
    const next = seededRandom(29);
    let stopped = 0;
    for (let round = 0; round < 2_000; round += 1) {
      // Each list in arrival order: times mostly rising, with ties and a few late arrivals.
      const pool = Array.from({ length: 2 + Math.floor(next() * 16) }, (_, index) => indexed(`e${index}`, Math.floor(next() * 8) * 1000, TYPES[Math.floor(next() * TYPES.length)] as EventType));
      const lists: Array<[IndexedEvent[], string]> = ['same entity', 'same owner', 'uses it', 'same node'].map((why) => {
        const items = pool.filter(() => next() < 0.5);
        return [next() < 0.7 ? [...items].sort((a, b) => a.at - b.at) : items, why];
      });
      const limit = 1 + Math.floor(next() * 4);
      const at = 6000;
      const whole = new NearestEarlier(limit, 'e0', at);
      for (const [items, why] of lists) whole.consider(items, why);
      const walked = new NearestEarlier(limit, 'e0', at);
      for (const [items, why] of lists) {
        walked.begin(why);
        for (let index = items.length - 1; index >= 0; index -= 1) {
          const item = items[index] as IndexedEvent;
          const inOrder = items.slice(0, index).every((earlier) => earlier.at <= item.at);
          if (!walked.offer(item, inOrder)) {
            stopped += 1;
            break;
          }
        }
      }
      expect(walked.best.map(({ item, why }) => [item.event.id, why])).toEqual(whole.best.map(({ item, why }) => [item.event.id, why]));
    }
    expect(stopped).toBeGreaterThan(100);
  });
});

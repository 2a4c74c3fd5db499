import { describe, expect, it } from 'vitest';
import { EVENT_SEMANTICS, newestFirst, type UnifiedEvent } from '@tapio/domain';
import { MemoryGraphStore } from './memory-graph-store.js';

const BASE = Date.parse('2026-03-02T10:00:00Z');

function event(id: string, offsetMs: number, type: 'pod_restart' | 'pod_ready' = 'pod_restart'): UnifiedEvent {
  const semantics = EVENT_SEMANTICS[type];
  const timestamp = new Date(BASE + offsetMs).toISOString();
  return {
    id,
    type,
    timestamp,
    source: 'test',
    severity: semantics.severity,
    message: id,
    semantic: { intent: semantics.intent, category: semantics.category, narrative: id },
    entity: { cluster: 'c', kind: 'Pod', namespace: 'shop', name: `pod-${id.length % 3}` },
    processedAt: timestamp,
  };
}

/** A deterministic shuffle: arrival order far from time order. */
function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  let seed = 17;
  for (let index = copy.length - 1; index > 0; index -= 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const other = seed % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

async function allPages(store: MemoryGraphStore, query: Parameters<MemoryGraphStore['events']>[0]): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page = await store.events({ ...query, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((item) => item.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

describe('MemoryGraphStore event pages', () => {
  // Spread over 20 minutes with ties on the same millisecond, arriving in random order.
  const events = Array.from({ length: 1500 }, (_, index) => event(`e${index.toString().padStart(4, '0')}`, Math.floor(index / 3) * 800, index % 4 === 0 ? 'pod_ready' : 'pod_restart'));
  const expected = [...events].sort(newestFirst);

  it('pages every event exactly once, newest first, however out of order they arrived', async () => {
    const store = new MemoryGraphStore();
    for (const batch of [shuffled(events).slice(0, 700), shuffled(events).slice(700)]) await store.write({ events: batch });
    expect(await allPages(store, { limit: 37 })).toEqual(expected.map((item) => item.id));
  });

  it('pages a time range and a type filter the same way', async () => {
    const store = new MemoryGraphStore();
    await store.write({ events: shuffled(events) });
    const since = new Date(BASE + 60_000).toISOString();
    const until = new Date(BASE + 300_000).toISOString();
    const inRange = expected.filter((item) => item.timestamp >= since && item.timestamp <= until && item.type === 'pod_restart');
    expect(inRange.length).toBeGreaterThan(100);
    expect(await allPages(store, { limit: 25, since, until, type: ['pod_restart'] })).toEqual(inRange.map((item) => item.id));
  });

  it('forgets evicted events and pages what retention kept', async () => {
    const store = new MemoryGraphStore({ retention: { maxEvents: 500, maxAgeMs: 86_400_000 } });
    await store.write({ events: events });
    const kept = await allPages(store, { limit: 100 });
    expect(kept).toHaveLength(500);
    expect(kept).toEqual(expected.filter((item) => kept.includes(item.id)).map((item) => item.id));
    // Written again after eviction: listed once.
    await store.write({ events: [events[0] as UnifiedEvent] });
    const again = await allPages(store, { limit: 100 });
    expect(again.filter((id) => id === 'e0000')).toHaveLength(1);
  });
});

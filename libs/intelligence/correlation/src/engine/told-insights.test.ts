import type { Insight } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ToldInsights } from './told-insights.js';

function insight(id: string, confidence: number, symptoms = ['a']): Insight {
  return {
    id,
    title: `crashes: Pod shop/${id}`,
    severity: 'high',
    confidence,
    rootCause: { entity: { kind: 'Pod', namespace: 'shop', name: id }, eventId: 'e1', eventType: 'crash_loop', timestamp: '2026-03-02T10:00:00Z', what: 'crashed' },
    symptoms: symptoms.map((name) => ({ kind: 'Pod', namespace: 'shop', name })),
    chain: [],
    affected: [],
    story: 'story',
    nextChecks: [],
    previousOccurrences: [],
    eventIds: [],
    firstSeen: '2026-03-02T10:00:00Z',
    lastSeen: '2026-03-02T10:00:00Z',
    createdAt: '2026-03-02T10:00:00Z',
  };
}

describe('ToldInsights', () => {
  it('passes a first version and every one that says something else, and leaves out one equal to the last told', () => {
    const told = new ToldInsights();
    expect(told.news([insight('x', 0.8), insight('y', 0.5)]).map((item) => item.id)).toEqual(['x', 'y']);
    // Built again with the same content: the same text for a store, so nothing new.
    expect(told.news([insight('x', 0.8), insight('y', 0.6)]).map((item) => [item.id, item.confidence])).toEqual([['y', 0.6]]);
    expect(told.news([insight('x', 0.8, ['a', 'b'])])).toHaveLength(1);
    // Compared with the last told, not the first: back to one symptom is news again.
    expect(told.news([insight('x', 0.8)])).toHaveLength(1);
    // Two versions in one output: the second compared with the first.
    expect(told.news([insight('z', 0.1), insight('z', 0.1), insight('z', 0.2)]).map((item) => item.confidence)).toEqual([0.1, 0.2]);
  });

  it('forgets incidents that left the book once it holds more than twice the book (and a margin)', () => {
    const told = new ToldInsights();
    told.news(Array.from({ length: 1_500 }, (_, index) => insight(`i${index}`, 0.5)));
    told.trim(1_000, () => false);
    expect(told.size).toBe(1_500);
    told.trim(200, (id) => id === 'i7');
    expect(told.size).toBe(1);
    // A forgotten one is told again when it comes back.
    expect(told.news([insight('i8', 0.5)])).toHaveLength(1);
    expect(told.news([insight('i7', 0.5)])).toHaveLength(0);
  });
});

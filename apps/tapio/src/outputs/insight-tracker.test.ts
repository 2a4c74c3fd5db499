import { describe, expect, it } from 'vitest';
import { insightWith, type Insight } from '@tapio/domain';
import { InsightTracker } from './insight-tracker.js';

const insight = (id: string, changes: Partial<Insight> = {}): Insight =>
  insightWith({
    id,
    title: 'config-cascade',
    pattern: 'config-cascade',
    rootCause: { entity: { kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' }, what: 'edited', eventId: 'e1' },
    symptoms: [{ kind: 'Pod', namespace: 'shop', name: 'a' }],
    ...changes,
  });

describe('InsightTracker', () => {
  it('tells a new incident, a meaningful update and a repeat apart', () => {
    const tracker = new InsightTracker();
    expect(tracker.classify(insight('a'))).toBe('new');
    expect(tracker.classify(insight('a', { lastSeen: '2026-03-02T10:05:00Z' }))).toBe('same');
    expect(tracker.classify(insight('a', { severity: 'critical' }))).toBe('changed');
    expect(tracker.classify(insight('a', { severity: 'critical', symptoms: [{ kind: 'Pod', namespace: 'shop', name: 'a' }, { kind: 'Pod', namespace: 'shop', name: 'b' }] }))).toBe('changed');
    expect(tracker.classify(insight('b'))).toBe('new');
  });

  it('forgets the least recently seen insight beyond its capacity', () => {
    const tracker = new InsightTracker(2);
    tracker.classify(insight('a'));
    tracker.classify(insight('b'));
    tracker.classify(insight('a'));
    tracker.classify(insight('c'));
    expect(tracker.classify(insight('a'))).toBe('same');
    expect(tracker.classify(insight('b'))).toBe('new');
  });
});

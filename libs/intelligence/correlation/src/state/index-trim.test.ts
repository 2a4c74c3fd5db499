import { describe, expect, it } from 'vitest';
import { EVENT_SEMANTICS, type UnifiedEvent } from '@tapio/domain';
import { WorkingState } from './working-state.js';

const event = (n: number): UnifiedEvent => ({
  id: `e${n}`,
  type: 'pod_restart',
  timestamp: new Date(Date.UTC(2026, 2, 2, 10) + n * 100).toISOString(),
  source: 'test',
  severity: EVENT_SEMANTICS.pod_restart.severity,
  message: `e${n}`,
  semantic: { intent: EVENT_SEMANTICS.pod_restart.intent, category: EVENT_SEMANTICS.pod_restart.category, narrative: `e${n}` },
  entity: { cluster: 'c', kind: 'Pod', namespace: 'shop', name: `web-${n % 50}` },
  processedAt: '2026-03-02T10:00:00Z',
});

describe('WorkingState: per-index lists', () => {
  it('are trimmed once as many events arrived as the window holds, so dead entries stay few at a short window', () => {
    // 10 events a second, a 1-minute window: 600 live events.
    const state = new WorkingState({ windowMs: 60_000 });
    for (let n = 0; n < 20_000; n += 1) state.add(event(n));
    // With a fixed batch of 32K events nothing was trimmed yet: 20,000 held.
    expect(state.heldTypeEntries).toBeLessThanOrEqual(4_096 + 600);
  });
});

import { describe, expect, it } from 'vitest';
import { EVENT_SEMANTICS, type K8sObjectFacts, type UnifiedEvent } from '@tapio/domain';
import { WorkingState } from './working-state.js';
import { sameJson, SharedParts } from './shared-parts.js';

function podUpdate(n: number, ready: boolean): UnifiedEvent {
  const facts: K8sObjectFacts = { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'u1', labels: { app: 'web' }, nodeName: 'node-1', ready, containers: [{ name: 'app', image: 'web:1', ready, restartCount: 0 }] };
  return {
    id: `e${n}`,
    type: 'resource_updated',
    timestamp: new Date(Date.UTC(2026, 2, 2, 10) + n * 1_000).toISOString(),
    source: 'test',
    severity: EVENT_SEMANTICS.resource_updated.severity,
    message: `update ${n}`,
    semantic: { intent: EVENT_SEMANTICS.resource_updated.intent, category: EVENT_SEMANTICS.resource_updated.category, narrative: `update ${n}` },
    entity: { kind: 'Pod', name: 'web-1', namespace: 'shop', cluster: 'c' },
    k8sContext: { kind: 'Pod', name: 'web-1', namespace: 'shop', cluster: 'c', labels: { app: 'web' } },
    kubernetes: { watchType: 'MODIFIED', object: facts },
    processedAt: '2026-03-02T10:00:00Z',
  };
}

describe('SharedParts', () => {
  it('sameJson: equal values with keys in the same order only', () => {
    expect(sameJson({ a: 1, b: [1, { c: 'x' }] }, { a: 1, b: [1, { c: 'x' }] })).toBe(true);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(sameJson({ a: null }, { a: undefined })).toBe(false);
    expect(sameJson([], {})).toBe(false);
  });

  it("points a window event's repeated entity, context and facts at the previous event's, and keeps a changed part its own", () => {
    const state = new WorkingState();
    const events = [podUpdate(1, true), podUpdate(2, true), podUpdate(3, false)];
    const texts = events.map((event) => JSON.stringify(event));
    for (const event of events) state.add(event);
    const [first, second, third] = events.map((event) => state.get(event.id)!.event);
    expect(second!.entity).toBe(first!.entity);
    expect(second!.k8sContext).toBe(first!.k8sContext);
    expect(second!.kubernetes!.object).toBe(first!.kubernetes!.object);
    expect(third!.kubernetes!.object).not.toBe(first!.kubernetes!.object);
    expect(third!.kubernetes!.object!.ready).toBe(false);
    expect(third!.entity).toBe(first!.entity);
    // Every event still reads and serialises as it arrived.
    expect(events.map((event) => JSON.stringify(event))).toEqual(texts);
  });

  it('leaves a frozen event alone and forgets entities that left the window', () => {
    const parts = new SharedParts();
    const frozen = Object.freeze(podUpdate(1, true));
    parts.share('c/Pod/shop/web-1', podUpdate(0, true));
    parts.share('c/Pod/shop/web-1', frozen);
    expect(parts.size).toBe(1);
    parts.trim(() => false);
    expect(parts.size).toBe(0);
  });
});

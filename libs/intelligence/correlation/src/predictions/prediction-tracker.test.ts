import type { IndexedEvent, Prediction, UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { PredictionTracker } from './prediction-tracker.js';

const pod = { kind: 'Pod', namespace: 'shop', name: 'cart-1', cluster: 'test' };
const podKey = 'test/Pod/shop/cart-1';

function prediction(id: string, overrides: Partial<Prediction> = {}): Prediction {
  return {
    id,
    patternId: 'memory-limit-approaching',
    type: 'oom_kill',
    confidence: 0.7,
    message: 'will be OOMKilled in about 4 minutes',
    impact: [],
    createdAt: '2026-03-02T10:00:00Z',
    expects: { eventTypes: ['oom_killed', 'oom_kill'], entity: pod, container: 'app' },
    deadline: '2026-03-02T10:07:00Z',
    ...overrides,
  };
}

function event(type: string, at: string, options: { key?: string; container?: string; id?: string } = {}): IndexedEvent {
  const unified = { id: options.id ?? `evt-${type}-${at}`, type, timestamp: at, kubernetes: options.container ? { container: options.container } : {} } as unknown as UnifiedEvent;
  return { event: unified, at: Date.parse(at), entityKey: options.key ?? podKey } as IndexedEvent;
}

describe('PredictionTracker', () => {
  it('marks a prediction came true when the expected event about its entity and container arrives by the deadline', () => {
    const tracker = new PredictionTracker();
    tracker.track(prediction('p1'));
    expect(tracker.observe(event('oom_killed', '2026-03-02T10:03:00Z', { container: 'sidecar' }))).toEqual([]);
    expect(tracker.observe(event('pod_restart', '2026-03-02T10:03:00Z', { container: 'app' }))).toEqual([]);
    expect(tracker.observe(event('oom_killed', '2026-03-02T10:03:00Z', { key: 'test/Pod/shop/cart-2', container: 'app' }))).toEqual([]);
    const [judged] = tracker.observe(event('oom_killed', '2026-03-02T10:04:10Z', { container: 'app', id: 'evt-kill' }));
    expect(judged?.result).toEqual({ status: 'came_true', at: '2026-03-02T10:04:10Z', eventId: 'evt-kill' });
    expect(tracker.openCount).toBe(0);
    // Judged once: a later kill and the deadline change nothing.
    expect(tracker.observe(event('oom_killed', '2026-03-02T10:05:00Z', { container: 'app' }))).toEqual([]);
    expect(tracker.expire(Date.parse('2026-03-02T11:00:00Z'))).toEqual([]);
  });

  it('marks it did not happen once event time passes the deadline without the event; a kill after the deadline is too late', () => {
    const tracker = new PredictionTracker();
    tracker.track(prediction('p1'));
    expect(tracker.expire(Date.parse('2026-03-02T10:07:00Z'))).toEqual([]);
    const [judged] = tracker.expire(Date.parse('2026-03-02T10:07:01Z'));
    expect(judged?.result).toEqual({ status: 'did_not_happen', at: '2026-03-02T10:07:00Z' });
    expect(tracker.observe(event('oom_killed', '2026-03-02T10:08:00Z', { container: 'app' }))).toEqual([]);
  });

  it('a recomposed prediction keeps the deadline it was issued with, and its result once judged', () => {
    const tracker = new PredictionTracker();
    tracker.track(prediction('p1'));
    expect(tracker.track(prediction('p1', { deadline: '2026-03-02T12:00:00Z', confidence: 0.5 })).deadline).toBe('2026-03-02T10:07:00Z');
    tracker.observe(event('oom_killed', '2026-03-02T10:04:00Z', { container: 'app' }));
    const again = tracker.track(prediction('p1', { confidence: 0.6 }));
    expect(again.result?.status).toBe('came_true');
    expect(again.confidence).toBe(0.6);
  });

  it('ignores predictions without a deadline, and stays bounded (the one due first is forgotten)', () => {
    const tracker = new PredictionTracker(2);
    const { deadline: _deadline, ...open } = prediction('no-deadline');
    tracker.track(open);
    expect(tracker.openCount).toBe(0);
    tracker.track(prediction('a', { deadline: '2026-03-02T10:05:00Z' }));
    tracker.track(prediction('b', { deadline: '2026-03-02T10:09:00Z' }));
    tracker.track(prediction('c', { deadline: '2026-03-02T10:08:00Z' }));
    expect(tracker.openCount).toBe(2);
    // 'a' was forgotten unjudged: counted as dropped, never as an outcome.
    expect(tracker.stats()).toEqual({ open: 2, cameTrue: 0, didNotHappen: 0, dropped: 1 });
    expect(tracker.observe(event('oom_killed', '2026-03-02T10:04:00Z', { container: 'app' })).map((judged) => judged.id).sort()).toEqual(['b', 'c']);
    expect(tracker.stats()).toEqual({ open: 0, cameTrue: 2, didNotHappen: 0, dropped: 1 });
  });
});

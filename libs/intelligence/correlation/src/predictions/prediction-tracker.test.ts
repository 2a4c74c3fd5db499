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
    expect(tracker.stats()).toEqual({ open: 2, cameTrue: 0, didNotHappen: 0, partlyTrue: 0, dropped: 1 });
    expect(tracker.observe(event('oom_killed', '2026-03-02T10:04:00Z', { container: 'app' })).map((judged) => judged.id).sort()).toEqual(['b', 'c']);
    expect(tracker.stats()).toEqual({ open: 0, cameTrue: 2, didNotHappen: 0, partlyTrue: 0, dropped: 1 });
  });

  /** A kubelet sample of container app: its working set in MiB of a 512 MiB limit. */
  function usage(at: string, mib: number, container = 'app'): IndexedEvent {
    const unified = { id: `evt-usage-${container}-${at}`, type: 'resource_usage', timestamp: at, kubernetes: { container }, metrics: { 'memory.working_set_bytes': mib * 1048576, 'memory.limit_bytes': 512 * 1048576 } } as unknown as UnifiedEvent;
    return { event: unified, at: Date.parse(at), entityKey: podKey } as IndexedEvent;
  }

  it('withdraws a memory prediction once the working set fell back well below the limit for 8 kubelet samples', () => {
    const tracker = new PredictionTracker();
    tracker.track(prediction('p1'));
    const at = (index: number) => new Date(Date.parse('2026-03-02T10:00:10Z') + index * 10_000).toISOString().replace('.000Z', 'Z');
    // Growing near the limit; another container's calm samples change nothing.
    [430, 450, 470].forEach((mib, index) => expect(tracker.observe(usage(at(index), mib))).toEqual([]));
    for (let index = 0; index < 10; index += 1) expect(tracker.observe(usage(at(index), 100, 'sidecar'))).toEqual([]);
    // Falls back (the cache was dropped) and stays flat with jitter: the 8th such sample withdraws it.
    const fallen = [300, 298, 303, 299, 301, 297, 300];
    fallen.forEach((mib, index) => expect(tracker.observe(usage(at(3 + index), mib))).toEqual([]));
    const [withdrawn] = tracker.observe(usage(at(10), 299));
    expect(withdrawn?.result).toEqual({ status: 'did_not_happen', at: at(10), reason: 'withdrawn: the working set fell back or levelled off at 58% of the limit over 8 kubelet samples' });
    expect(tracker.openCount).toBe(0);
  });

  it('keeps a memory prediction open while the working set still grows, even well below the limit', () => {
    const tracker = new PredictionTracker();
    tracker.track(prediction('p1'));
    const at = (index: number) => new Date(Date.parse('2026-03-02T10:00:10Z') + index * 10_000).toISOString().replace('.000Z', 'Z');
    // Slow growth under jitter (1.5 MiB a sample, +-6 MiB), well below the limit.
    const jitter = [5, -6, 4, -5, 6, -4, 3, -6, 5, -3, 6, -5, 2, -6, 4, -2];
    jitter.forEach((noise, index) => expect(tracker.observe(usage(at(index), 200 + 1.5 * index + noise))).toEqual([]));
    // A flat run near the limit is no reversal either.
    for (let index = 16; index < 26; index += 1) expect(tracker.observe(usage(at(index), 480))).toEqual([]);
    expect(tracker.openCount).toBe(1);
  });
});

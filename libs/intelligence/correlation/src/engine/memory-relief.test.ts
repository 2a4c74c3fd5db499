import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { CorrelationEngine } from './correlation-engine.js';
import { MIN_WINDOW_EVENTS } from './memory-relief.js';

/** `count` warnings on one pod, a second apart: events that only fill the window. */
function noise(cluster: ClusterFixture, count: number) {
  const pod = cluster.ref('Pod', 'noisy', 'ballast');
  return Array.from({ length: count }, () => {
    cluster.advance(1);
    return cluster.signal('k8s_event', pod);
  });
}

describe('memory relief: the engine sheds the older half of its window when memory runs short', () => {
  it('keeps the newest half, holds the window at that size from then on, and stops at its floor', () => {
    const cluster = new ClusterFixture();
    const engine = new CorrelationEngine([], undefined, { windowMs: 24 * 3_600_000, maxEvents: 100_000 });
    const events = noise(cluster, 8_000);
    for (const event of events) engine.process(event);
    expect(engine.state.size).toBe(8_000);

    expect(engine.shed()).toEqual({ before: 8_000, after: 4_000 });
    // The newest events stay, the older half is gone from every index.
    expect(engine.state.get(events[7_999]?.id ?? '')).toBeDefined();
    expect(engine.state.get(events[4_000]?.id ?? '')).toBeDefined();
    expect(engine.state.get(events[3_999]?.id ?? '')).toBeUndefined();
    const pod = cluster.key(cluster.ref('Pod', 'noisy', 'ballast'));
    expect(engine.state.eventsOn(pod, 0)).toHaveLength(4_000);
    expect(engine.state.eventLimit).toBe(4_000);

    // The same traffic does not fill it again: the window stays at the size shed to.
    for (const event of noise(cluster, 3_000)) engine.process(event);
    expect(engine.state.size).toBe(4_000);
    expect(engine.state.eventsOfType('k8s_event', 0)).toHaveLength(4_000);

    // Halving goes on down to the floor, then there is nothing left to shed.
    let steps = 0;
    while (engine.shed()) steps += 1;
    expect(steps).toBe(2);
    expect(engine.state.size).toBe(MIN_WINDOW_EVENTS);
    expect(engine.shed()).toBeUndefined();
  });
});

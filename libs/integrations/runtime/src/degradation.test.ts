import { describe, expect, it } from 'vitest';
import type { ComponentHealth } from '@tapio/domain';
import { DegradationMonitor } from './degradation.js';

function monitor(state: { heap: number; graph?: ComponentHealth; bus?: ComponentHealth; maintenance?: boolean }) {
  return new DegradationMonitor({
    heapRatio: () => state.heap,
    dependencies: () => ({ ...(state.graph ? { graph: state.graph } : {}), ...(state.bus ? { bus: state.bus } : {}) }),
    ...(state.maintenance ? { maintenance: true } : {}),
  });
}

describe('DegradationMonitor: the running mode from memory pressure and failing dependencies', () => {
  it('normal, then degraded (predictions skipped) and read-only (no event taken) as the heap fills', () => {
    expect(monitor({ heap: 0.5, graph: { status: 'ok' } }).current()).toEqual({ mode: 'normal', reasons: [] });
    const degraded = monitor({ heap: 0.85 });
    expect(degraded.current().mode).toBe('degraded');
    expect(degraded.skipPredictions).toBe(true);
    expect(degraded.writable).toBe(true);
    expect(degraded.health()).toMatchObject({ status: 'degraded', reason: 'degraded: memory: 85% of the heap limit in use (predictions skipped from 80%)' });
    const full = monitor({ heap: 0.95 });
    expect(full.current().mode).toBe('read-only');
    expect(full.writable).toBe(false);
  });

  it('a graph that is down makes it read-only, a degraded graph or a bus not ok degraded; the worst wins, with every reason', () => {
    expect(monitor({ heap: 0.1, graph: { status: 'down', reason: 'Neo4j unreachable' } }).health()).toMatchObject({ status: 'degraded', reason: 'read-only: graph down: Neo4j unreachable', details: { mode: 'read-only' } });
    expect(monitor({ heap: 0.1, graph: { status: 'degraded', reason: 'write buffer full' } }).current().mode).toBe('degraded');
    const both = monitor({ heap: 0.85, bus: { status: 'degraded', reason: 'reconnecting' }, graph: { status: 'down', reason: 'gone' } }).current();
    expect(both.mode).toBe('read-only');
    expect(both.reasons).toHaveLength(3);
    expect(monitor({ heap: 0.1, maintenance: true }).current().mode).toBe('maintenance');
  });

  it('whenWritable waits until the graph is back', async () => {
    const state: { heap: number; graph: ComponentHealth } = { heap: 0.1, graph: { status: 'down', reason: 'stopped' } };
    const watched = monitor(state);
    let passed = false;
    const waiting = watched.whenWritable().then(() => (passed = true));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(passed).toBe(false);
    state.graph = { status: 'ok' };
    await waiting;
    expect(passed).toBe(true);
  });
});

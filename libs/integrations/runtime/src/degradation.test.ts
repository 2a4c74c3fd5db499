import { describe, expect, it } from 'vitest';
import { RecordingMetrics, type ComponentHealth } from '@tapio/domain';
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
    expect(monitor({ heap: 0.5, graph: { status: 'ok' } }).current()).toEqual({ mode: 'normal', reasons: [], causes: [] });
    // The defaults, as shares of the old space's limit: degraded from 60%, read-only from 70%.
    expect(monitor({ heap: 0.59 }).current().mode).toBe('normal');
    const degraded = monitor({ heap: 0.65 });
    expect(degraded.current().mode).toBe('degraded');
    expect(degraded.skipPredictions).toBe(true);
    expect(degraded.writable).toBe(true);
    expect(degraded.health()).toMatchObject({ status: 'degraded', reason: 'degraded: memory: 65% of the old-space limit live (predictions skipped from 60%)' });
    const full = monitor({ heap: 0.71 });
    expect(full.current().mode).toBe('read-only');
    expect(full.writable).toBe(false);
  });

  it('a graph that is down makes it read-only, a degraded graph or a bus not ok degraded; the worst wins, with every reason', () => {
    expect(monitor({ heap: 0.1, graph: { status: 'down', reason: 'Neo4j unreachable' } }).health()).toMatchObject({ status: 'degraded', reason: 'read-only: graph down: Neo4j unreachable', details: { mode: 'read-only' } });
    expect(monitor({ heap: 0.1, graph: { status: 'degraded', reason: 'write buffer full' } }).current().mode).toBe('degraded');
    const both = monitor({ heap: 0.65, bus: { status: 'degraded', reason: 'reconnecting' }, graph: { status: 'down', reason: 'gone' } }).current();
    expect(both.mode).toBe('read-only');
    expect(both.reasons).toHaveLength(3);
    expect(monitor({ heap: 0.1, maintenance: true }).current().mode).toBe('maintenance');
  });

  it('read-only by memory closes the intake (collectors wait with new events); read-only because the graph is down does not', () => {
    const full = monitor({ heap: 0.71 });
    expect(full.current()).toMatchObject({ mode: 'read-only', causes: ['memory-held'] });
    expect(full.intakeOpen).toBe(false);
    const graphDown = monitor({ heap: 0.1, graph: { status: 'down', reason: 'gone' } });
    expect(graphDown.current().mode).toBe('read-only');
    expect(graphDown.intakeOpen).toBe(true);
    expect(monitor({ heap: 0.65 }).intakeOpen).toBe(true);
    expect(monitor({ heap: 0.1, maintenance: true }).intakeOpen).toBe(true);
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

  it('read-only by memory: shed, visible in health and metrics with its cause, ends by itself; when nothing is left to shed, says it cannot', async () => {
    const heap = { live: 0.75, window: 4 };
    const metrics = new RecordingMetrics();
    const watched = new DegradationMonitor({
      degradedHeapRatio: 0.5,
      readOnlyHeapRatio: 0.7,
      heapRatio: () => heap.live,
      liveHeapRatio: () => heap.live,
      reliefs: () => [{ shed: () => (heap.window > 1 ? ((heap.window /= 2), (heap.live -= 0.3), `window to ${heap.window}`) : undefined) }],
      held: () => 'graph 5 resources',
      recheckMs: 300,
      dependencies: () => ({}),
      metrics,
    });
    expect(watched.health()).toMatchObject({ status: 'degraded', details: { mode: 'read-only', causes: 'memory', endsByItself: true } });
    expect(watched.health().reason).toMatch(/^read-only: memory: 75% of the old-space limit live .*; shed: window to 2; measured again/);
    expect(watched.intakeOpen).toBe(false);
    expect(metrics.values.get('tapio_running_mode{mode="read-only"}')).toBe(1);
    expect(metrics.values.get('tapio_running_mode_cause{cause="memory"}')).toBe(1);
    expect(metrics.values.get('tapio_running_mode_cause{cause="memory-held"}')).toBe(0);
    // 45% live after the first step, under the degraded threshold (50%): it ends at the next measurement.
    await watched.whenIntakeOpen();
    expect(heap.live).toBeCloseTo(0.45);
    expect(watched.current().mode).toBe('normal');
    expect(watched.writable).toBe(true);
    expect(metrics.values.get('tapio_running_mode{mode="normal"}')).toBe(1);
    expect(metrics.values.get('tapio_running_mode_cause{cause="memory"}')).toBe(0);

    // Pressure of kept state: nothing left to shed.
    heap.window = 1;
    heap.live = 0.75;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(watched.current().mode).toBe('read-only');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const held = watched.health();
    expect(held).toMatchObject({ details: { mode: 'read-only', causes: 'memory-held', endsByItself: false } });
    expect(held.reason).toMatch(/nothing more can go: the rest is state Tapio keeps for correct answers \(graph 5 resources\)/);
    expect(metrics.values.get('tapio_running_mode_cause{cause="memory-held"}')).toBe(1);
    expect(watched.intakeOpen).toBe(false);
  });
});

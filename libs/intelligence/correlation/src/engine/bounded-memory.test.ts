import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { CorrelationEngine } from './correlation-engine.js';
import { TemporalCorrelator } from '../correlators/temporal/temporal-correlator.js';
import { OwnershipCorrelator } from '../correlators/ownership/ownership-correlator.js';
import { loadBuiltinPatterns } from '../patterns/builtin-pattern-dir.js';

/**
 * A long, churning run: workloads come and go (new names every round), their pods crash,
 * get OOM-killed and evicted, Services lose their endpoints. Every round opens incidents on
 * roots never seen before, which is what made the engine's memory grow without end.
 */
function* churn(rounds: number): Generator<ReturnType<ClusterFixture['signal']>> {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2', 'node-3');
  for (let round = 0; round < rounds; round += 1) {
    const mark = cluster.events.length;
    const app = cluster.workload(`ns-${round % 7}`, `app-${round}`, { replicas: 3 });
    for (const pod of app.pods) {
      cluster.advance(20);
      cluster.oomKill(pod, 1);
      cluster.advance(20);
      cluster.crashLoop(pod, 2);
    }
    cluster.advance(20);
    cluster.signal('service_unavailable', cluster.ref('Service', `app-${round}`, app.namespace));
    cluster.advance(60);
    yield* cluster.events.slice(mark);
  }
}

describe('the engine stays bounded on a long run', () => {
  it('incidents, roots, history and held matches stop growing once the run is longer than the window', () => {
    const engine = new CorrelationEngine([new TemporalCorrelator(), new OwnershipCorrelator()], undefined, {
      windowMs: 30 * 60_000,
      mergeWindowMs: 10 * 60_000,
      limits: { maxHistoryKeys: 500, maxHeld: 50 },
    });
    engine.setPatterns(loadBuiltinPatterns());
    const samples: Array<ReturnType<CorrelationEngine['memory']>> = [];
    let round = 0;
    let events = 0;
    for (const event of churn(1200)) {
      engine.process(event);
      events += 1;
      if (event.type === 'service_unavailable' && ++round % 300 === 0) samples.push(engine.memory());
    }
    expect(events).toBeGreaterThan(14_000);
    const [quarter, , , end] = samples;
    // A round is ~5 minutes of event time: 30 minutes of window hold ~6 rounds of incidents.
    expect(end!.incidents).toBeLessThan(60);
    expect(end!.incidents).toBeLessThanOrEqual(quarter!.incidents * 1.5);
    expect(end!.roots).toBeLessThanOrEqual(end!.incidents);
    expect(end!.historyKeys).toBeLessThanOrEqual(500);
    expect(end!.held).toBeLessThanOrEqual(50);
    // Walks are cached for live events (plus what accumulates between two sweeps).
    expect(end!.cachedWalks).toBeLessThanOrEqual(end!.windowEvents + 1024);
    expect(engine.insights().length).toBe(end!.incidents);
  });

  it('a burst of incidents beyond the cap keeps the book at the cap', () => {
    const day = { windowMs: 24 * 3_600_000 };
    const uncapped = new CorrelationEngine([], undefined, day);
    const capped = new CorrelationEngine([], undefined, { ...day, limits: { maxIncidents: 100 } });
    uncapped.setPatterns(loadBuiltinPatterns());
    capped.setPatterns(loadBuiltinPatterns());
    for (const event of churn(120)) {
      capped.process(event);
      uncapped.process(event);
    }
    expect(uncapped.memory().incidents).toBeGreaterThan(200);
    expect(capped.memory().incidents).toBeLessThanOrEqual(100);
    expect(capped.memory().roots).toBeLessThanOrEqual(100);
    expect(capped.memory().historyKeys).toBeGreaterThan(0);
  });
});

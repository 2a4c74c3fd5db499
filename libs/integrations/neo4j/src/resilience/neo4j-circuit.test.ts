import { Neo4jError } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import type { GaugeMetric, Metrics } from '@tapio/domain';
import { CircuitOpenError, Neo4jCircuit, Neo4jTimeoutError } from './neo4j-circuit.js';

/** Keeps the last value of each gauge series, as a scrape would show it. */
function recordingMetrics(): { metrics: Metrics; gauges: Map<string, number> } {
  const gauges = new Map<string, number>();
  const gauge = (name: string): GaugeMetric => ({ set: (value, labels) => gauges.set(`${name}${JSON.stringify(labels ?? {})}`, value) });
  const metrics: Metrics = {
    counter: () => ({ inc: () => undefined }),
    gauge,
    histogram: () => ({ observe: () => undefined }),
    beforeScrape: () => undefined,
  } as unknown as Metrics;
  return { metrics, gauges };
}

const unavailable = () => new Neo4jError('connection refused', 'ServiceUnavailable', '', '');
const refusedValue = () => new Neo4jError('Property values can only be of primitive types', 'Neo.ClientError.Statement.TypeError', '', '');
const state = (gauges: Map<string, number>, position: string) => gauges.get(`tapio_circuit_state${JSON.stringify({ circuit: 'neo4j-write', state: position })}`);

describe('Neo4jCircuit (cockatiel breaker and timeout around Neo4j calls)', () => {
  it('opens after `failures` outages in a row, then refuses at once; metrics and details follow', async () => {
    const { metrics, gauges } = recordingMetrics();
    const circuit = new Neo4jCircuit('neo4j-write', { failures: 3, halfOpenAfterMs: 60_000, timeoutMs: 1_000 }, 'Neo4j at bolt://x', metrics);
    expect(state(gauges, 'closed')).toBe(1);
    for (let attempt = 0; attempt < 3; attempt += 1) await expect(circuit.run(() => Promise.reject(unavailable()))).rejects.toThrow('connection refused');
    expect(circuit.state).toBe('open');
    expect(state(gauges, 'open')).toBe(1);
    expect(state(gauges, 'closed')).toBe(0);
    let called = false;
    await expect(
      circuit.run(async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
    expect(circuit.report.details()).toMatchObject({ state: 'open', opened: 1, refused: 1, lastFailure: 'ServiceUnavailable: connection refused' });
  });

  it('does not count data Neo4j refuses (a bad value is not an outage)', async () => {
    const circuit = new Neo4jCircuit('neo4j-write', { failures: 2, halfOpenAfterMs: 60_000, timeoutMs: 1_000 }, 'Neo4j at bolt://x');
    for (let attempt = 0; attempt < 5; attempt += 1) await expect(circuit.run(() => Promise.reject(refusedValue()))).rejects.toThrow('primitive types');
    expect(circuit.state).toBe('closed');
  });

  it('gives up on a call that hangs, aborts its signal, and counts it as an outage', async () => {
    const circuit = new Neo4jCircuit('neo4j-read', { failures: 2, halfOpenAfterMs: 60_000, timeoutMs: 50 }, 'Neo4j at bolt://x');
    const signals: AbortSignal[] = [];
    const hang = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<never>(() => undefined);
    };
    await expect(circuit.run(hang)).rejects.toBeInstanceOf(Neo4jTimeoutError);
    expect(signals[0]?.aborted).toBe(true);
    await expect(circuit.run(hang)).rejects.toThrow('did not answer within 50 ms');
    expect(circuit.state).toBe('open');
  });

  it('half-opens after halfOpenAfterMs: one success closes it, one failure opens it again', async () => {
    const circuit = new Neo4jCircuit('neo4j-write', { failures: 1, halfOpenAfterMs: 30, timeoutMs: 1_000 }, 'Neo4j at bolt://x');
    await expect(circuit.run(() => Promise.reject(unavailable()))).rejects.toThrow();
    expect(circuit.state).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 40));
    await expect(circuit.run(() => Promise.reject(unavailable()))).rejects.toThrow('connection refused');
    expect(circuit.state).toBe('open');
    expect(circuit.report.details().opened).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await expect(circuit.run(() => Promise.resolve('written'))).resolves.toBe('written');
    expect(circuit.state).toBe('closed');
  });
});

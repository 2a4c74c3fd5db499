import { Neo4jError } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { CircuitOpenError, CircuitTimeoutError } from '@tapio/domain';
import { neo4jCircuit } from './neo4j-circuit.js';

const unavailable = () => new Neo4jError('connection refused', 'ServiceUnavailable', '', '');
const refusedValue = () => new Neo4jError('Property values can only be of primitive types', 'Neo.ClientError.Statement.TypeError', '', '');

// The breaker itself is tested in @tapio/plugin-api (circuit-breaker.test.ts); here, what Neo4j adds.
describe('neo4jCircuit (the shared breaker, counting Neo4j outages only)', () => {
  it('counts outages: opens after `failures` of them, names the Neo4j code in health, refuses at once', async () => {
    const circuit = neo4jCircuit('neo4j-write', { failures: 3, halfOpenAfterMs: 60_000, timeoutMs: 1_000 }, 'Neo4j at bolt://x');
    for (let attempt = 0; attempt < 3; attempt += 1) await expect(circuit.run(() => Promise.reject(unavailable()))).rejects.toThrow('connection refused');
    await expect(circuit.run(() => Promise.resolve())).rejects.toBeInstanceOf(CircuitOpenError);
    expect(circuit.report.details()).toMatchObject({ state: 'open', opened: 1, refused: 1, lastFailure: 'ServiceUnavailable: connection refused' });
  });

  it('does not count data Neo4j refuses (a bad value is not an outage)', async () => {
    const circuit = neo4jCircuit('neo4j-write', { failures: 2, halfOpenAfterMs: 60_000, timeoutMs: 1_000 }, 'Neo4j at bolt://x');
    for (let attempt = 0; attempt < 5; attempt += 1) await expect(circuit.run(() => Promise.reject(refusedValue()))).rejects.toThrow('primitive types');
    expect(circuit.state).toBe('closed');
  });

  it('a hung call times out and counts', async () => {
    const circuit = neo4jCircuit('neo4j-read', { failures: 1, halfOpenAfterMs: 60_000, timeoutMs: 50 }, 'Neo4j at bolt://x');
    await expect(circuit.run(() => new Promise<never>(() => undefined))).rejects.toBeInstanceOf(CircuitTimeoutError);
    expect(circuit.state).toBe('open');
  });
});

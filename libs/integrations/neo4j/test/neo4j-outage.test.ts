import { EVENT_SEMANTICS, entityKey, type TopologyChange, type UnifiedEvent } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../../tools/neo4j/test-server.mjs';
import { Neo4jGraphStore } from '../src/index.js';
import { startHarness, type Harness } from './neo4j-harness.js';

// Generous: a real JVM restarts in these tests, and shared CI machines can be slow.
vi.setConfig({ testTimeout: 300_000 });

const PASSWORD = 'tapio-outage-test';
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ password: PASSWORD });
}, 360_000);
afterAll(async () => harness?.close());

function podEvent(run: string, index: number): UnifiedEvent {
  const entity = { cluster: run, kind: 'Pod', namespace: 'load', name: `pod-${index % 50}` };
  const semantics = EVENT_SEMANTICS.pod_restart;
  return {
    id: `${run}-event-${index}`,
    type: 'pod_restart',
    timestamp: new Date(Date.parse('2026-03-02T10:00:00Z') + index * 1000).toISOString(),
    source: 'kubeapi',
    severity: semantics.severity,
    message: `restart ${index}`,
    semantic: { intent: semantics.intent, category: semantics.category, narrative: `restart ${index}` },
    entity,
    processedAt: '2026-03-02T10:00:00.000Z',
  };
}

function podTopology(run: string, index: number): TopologyChange {
  const ref = { cluster: run, kind: 'Pod', namespace: 'load', name: `pod-${index % 50}` };
  const node = { cluster: run, kind: 'Node', name: `node-${index % 3}` };
  return {
    op: 'upsert',
    node: { key: entityKey(ref), ref, deleted: false, updatedAt: '2026-03-02T10:00:00Z', facts: { kind: 'Pod', name: ref.name, namespace: 'load', nodeName: node.name } },
    replace: [{ type: 'RUNS_ON', direction: 'out' }],
    edges: [{ type: 'RUNS_ON', from: entityKey(ref), to: entityKey(node) }],
  };
}

async function countOf(query: string, params: Record<string, unknown>): Promise<number> {
  const result = await harness.driver.executeQuery(query, params, { database: 'neo4j' });
  return result.records[0]?.get('n') as number;
}

describe('Neo4jGraphStore when Neo4j is unreachable or refuses us', () => {
  it('fails to start with the target named when nothing listens', async () => {
    const port = await freePort();
    const store = new Neo4jGraphStore({ uri: `bolt://127.0.0.1:${port}`, connectTimeoutMs: 2000 });
    await expect(store.start()).rejects.toThrow(`Neo4j at bolt://127.0.0.1:${port} (database "neo4j") cannot be used`);
    expect(store.health().status).toBe('stopped');
  });

  it('fails to start with the target named when the password is wrong', async () => {
    const store = new Neo4jGraphStore({ uri: harness.server.uri, password: 'wrong' });
    await expect(store.start()).rejects.toThrow(/cannot be used: .*(auth|credentials|unauthorized)/i);
  });

  it('rejects options that cannot work, naming the field', () => {
    expect(() => new Neo4jGraphStore({ uri: 'http://localhost:7474' })).toThrow(/uri: must start with one of bolt:\/\//);
    expect(() => new Neo4jGraphStore({ uri: 'neo4j+s://db.example:7687', encrypted: true })).toThrow(/encrypted: neo4j\+s:\/\/ already sets TLS/);
    expect(() => new Neo4jGraphStore({ batchSize: 0 })).toThrow(/batchSize/);
  });
});

describe('Neo4jGraphStore through a Neo4j restart', () => {
  it('loses nothing when Neo4j is killed mid-stream: buffers, applies backpressure, reports degraded, catches up', async () => {
    const run = 'restart';
    const store = await harness.store({ batchSize: 250, reconnectBackoffMs: { min: 50, max: 500 } });
    // A second writer with a tiny buffer shows the backpressure during the same outage.
    const tight = await harness.store({ bufferLimit: 50, batchSize: 20, reconnectBackoffMs: { min: 50, max: 200 } });
    const total = 3000;
    const chunk = 200;
    let sawDegraded = false;
    let tightWriting: Promise<void> | undefined;
    let tightAccepted = false;
    for (let start = 0; start < total; start += chunk) {
      const indexes = Array.from({ length: chunk }, (_, offset) => start + offset);
      await store.write({ topology: indexes.filter((index) => index % 7 === 0).map((index) => podTopology(run, index)) });
      await store.write({ events: indexes.map((index) => podEvent(run, index)) });
      if (start === 1000) {
        await harness.server.kill();
        tightWriting = tight.write({ events: Array.from({ length: 120 }, (_, index) => podEvent('pressure', index)) }).then(() => {
          tightAccepted = true;
        });
      }
      if (start > 1000 && start < 2000 && store.health().status === 'degraded') sawDegraded = true;
      if (start === 2000) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(store.health().reason).toMatch(/unreachable/);
        expect(tightAccepted).toBe(false);
        expect(tight.health().details?.buffered).toBe(50);
        expect(tight.health().status).toBe('degraded');
        await harness.server.resume();
      }
    }
    await store.flush();
    await tightWriting;
    await tight.flush();
    expect(sawDegraded).toBe(true);
    expect(store.health().status).toBe('ok');
    expect(await countOf('MATCH (e:Event) WHERE e.id STARTS WITH $run RETURN count(e) AS n', { run: `${run}-` })).toBe(total);
    expect(await countOf('MATCH (:Event)-[r:AFFECTS]->(p:Pod {cluster: $run}) RETURN count(r) AS n', { run })).toBe(total);
    expect(await countOf('MATCH (p:Pod {cluster: $run})-[:RUNS_ON]->(:Node) RETURN count(p) AS n', { run })).toBe(50);
    expect((await store.timeline({ cluster: run, kind: 'Pod', namespace: 'load', name: 'pod-7' }, {})).length).toBe(total / 50);
    expect(await countOf('MATCH (e:Event) WHERE e.id STARTS WITH $run RETURN count(e) AS n', { run: 'pressure-' })).toBe(120);
  }, 600_000);
});

describe('Neo4jGraphStore circuit breakers when Neo4j hangs (SIGSTOP)', () => {
  it('opens both breakers: reads fail at once, writes are buffered; after SIGCONT they close and every accepted write is stored once', async () => {
    const run = 'frozen';
    const store = await harness.store({ batchSize: 100, reconnectBackoffMs: { min: 50, max: 300 }, circuit: { failures: 2, halfOpenAfterMs: 500, writeTimeoutMs: 5_000, readTimeoutMs: 5_000 } });
    const pod = { cluster: run, kind: 'Pod', namespace: 'load', name: 'pod-7' };
    await store.write({ topology: Array.from({ length: 50 }, (_, index) => podTopology(run, index)) });
    await store.write({ events: Array.from({ length: 500 }, (_, index) => podEvent(run, index)) });
    await store.flush();
    // (A loaded machine may time a first read out: the breaker allows a failure before it opens.)
    await vi.waitFor(async () => expect((await store.timeline(pod, {})).length).toBe(10), { timeout: 30_000, interval: 200 });

    harness.server.freeze();
    try {
      // Accepted while Neo4j hangs: they wait in the buffer.
      await store.write({ events: Array.from({ length: 500 }, (_, index) => podEvent(run, 500 + index)) });
      // The first reads wait out their timeout; once the read breaker is open they fail at once.
      for (let attempt = 0; attempt < 2; attempt += 1) await expect(store.timeline(pod, {})).rejects.toThrow(/did not answer within 5000 ms/);
      const started = Date.now();
      await expect(store.timeline(pod, {})).rejects.toThrow(/circuit neo4j-read open/);
      expect(Date.now() - started).toBeLessThan(500);
      await vi.waitFor(() => expect(store.health().details?.['writeCircuitState']).toBe('open'), { timeout: 30_000, interval: 100 });
      const health = store.health();
      expect(health.status).toBe('degraded');
      expect(health.details?.['readCircuitState']).toBe('open');
      expect(health.details?.['buffered']).toBeGreaterThan(0);
    } finally {
      harness.server.thaw();
    }
    await store.flush();
    await vi.waitFor(async () => expect((await store.timeline(pod, {})).length).toBe(20), { timeout: 30_000, interval: 200 });
    expect(store.health().status).toBe('ok');
    expect(store.health().details).toMatchObject({ writeCircuitState: 'closed', readCircuitState: 'closed' });
    expect(Number(store.health().details?.['writeCircuitOpened'])).toBeGreaterThanOrEqual(1);
    expect(await countOf('MATCH (e:Event) WHERE e.id STARTS WITH $run RETURN count(e) AS n', { run: `${run}-` })).toBe(1000);
    expect(await countOf('MATCH (:Event)-[r:AFFECTS]->(p:Pod {cluster: $run}) RETURN count(r) AS n', { run })).toBe(1000);
  }, 600_000);
});

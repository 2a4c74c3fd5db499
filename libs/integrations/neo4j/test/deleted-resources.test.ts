import { EVENT_SEMANTICS, entityKey, type TopologyChange, type UnifiedEvent } from '@tapio/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from './neo4j-harness.js';

vi.setConfig({ testTimeout: 300_000 });

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
}, 360_000);
afterAll(async () => harness?.close());
// The bound is database-wide (every cluster's deleted nodes count): each test starts on an empty
// graph, or the other test's newer deletions would be the ones kept.
beforeEach(async () => harness.clear());

const BASE = Date.parse('2026-03-02T10:00:00Z');
const at = (second: number) => new Date(BASE + second * 1000).toISOString();

function pod(run: string, index: number) {
  const ref = { cluster: run, kind: 'Pod', namespace: 'churn', name: `pod-${index}` };
  return { ref, key: entityKey(ref) };
}

function created(run: string, index: number, second: number): TopologyChange {
  const { ref, key } = pod(run, index);
  const node = { cluster: run, kind: 'Node', name: 'node-1' };
  return {
    op: 'upsert',
    node: { key, ref, deleted: false, updatedAt: at(second), facts: { kind: 'Pod', name: ref.name, namespace: 'churn', nodeName: 'node-1' } },
    replace: [{ type: 'RUNS_ON', direction: 'out' }],
    edges: [{ type: 'RUNS_ON', from: key, to: entityKey(node) }],
  };
}

function event(run: string, index: number, second: number): UnifiedEvent {
  return {
    id: `${run}-restart-${index}`,
    type: 'pod_restart',
    timestamp: at(second),
    source: 'kubeapi',
    severity: EVENT_SEMANTICS.pod_restart.severity,
    message: `pod-${index} restarted`,
    semantic: { intent: EVENT_SEMANTICS.pod_restart.intent, category: EVENT_SEMANTICS.pod_restart.category, narrative: `pod-${index} restarted` },
    entity: pod(run, index).ref,
    processedAt: at(second),
  };
}

async function deletedKeys(run: string): Promise<string[]> {
  const result = await harness.driver.executeQuery('MATCH (r:Resource {cluster: $run}) WHERE r.deleted = true RETURN r.key AS key ORDER BY key', { run }, { database: 'neo4j' });
  return result.records.map((record) => record.get('key') as string);
}

describe('Neo4jGraphStore bounds the nodes of deleted objects', () => {
  it('keeps the newest maxDeletedResources deleted nodes, removes the ones deleted longest ago, keeps live ones and their events', async () => {
    const run = 'bounded';
    const store = await harness.store({ retention: { maxDeletedResources: 100, deletedInterval: '1h', chunk: 37 } });
    const total = 400;
    await store.write({ topology: Array.from({ length: total }, (_, index) => created(run, index, index)) });
    await store.write({ events: Array.from({ length: total }, (_, index) => event(run, index, index)) });
    // Deleted in a shuffled order, so "longest ago" is the deletion time, not the creation or the key.
    const order = Array.from({ length: total }, (_, index) => (index * 173) % total);
    await store.write({ topology: order.map((index, position) => ({ op: 'delete', key: pod(run, index).key, at: at(10_000 + position) })) });
    // One deleted pod comes back: live again, it is not counted and never removed.
    const back = order[0] as number;
    await store.write({ topology: [created(run, back, 20_000)] });
    await store.flush();

    expect((await deletedKeys(run)).length).toBe(total - 1);
    expect(await store.pruneDeletedNow()).toBe(total - 1 - 100);
    const kept = await deletedKeys(run);
    expect(kept).toEqual(order.slice(total - 100).map((index) => pod(run, index).key).sort());
    expect(await store.resource(pod(run, back).ref)).toMatchObject({ deleted: false });
    // Every event stays, including those about removed nodes.
    const events = await harness.driver.executeQuery('MATCH (e:Event) WHERE e.id STARTS WITH $run RETURN count(e) AS n', { run }, { database: 'neo4j' });
    expect(events.records[0]?.get('n')).toBe(total);
    // Within the bound nothing more goes.
    expect(await store.pruneDeletedNow()).toBe(0);
  });

  it('bounds them by itself every deletedInterval while objects keep being deleted', async () => {
    const run = 'timer';
    const store = await harness.store({ retention: { maxDeletedResources: 50, deletedInterval: '200ms' } });
    for (let round = 0; round < 4; round += 1) {
      const indexes = Array.from({ length: 60 }, (_, index) => round * 60 + index);
      await store.write({ topology: indexes.map((index) => created(run, index, index)) });
      await store.write({ topology: indexes.map((index) => ({ op: 'delete', key: pod(run, index).key, at: at(10_000 + index) })) });
      await store.flush();
    }
    await vi.waitFor(async () => expect((await deletedKeys(run)).length).toBeLessThanOrEqual(50), { timeout: 20_000, interval: 200 });
    // The newest 50 deletions stay.
    expect(await deletedKeys(run)).toEqual(Array.from({ length: 50 }, (_, index) => pod(run, 190 + index).key).sort());
  });
});

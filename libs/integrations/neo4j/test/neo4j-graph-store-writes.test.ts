import { entityKey, type TopologyChange } from '@tapio/domain';
import { describe, expect, it, vi } from 'vitest';
import { schemaNames, type Neo4jGraphStore } from '../src/index.js';
import { checkoutStory, writeCheckoutStory } from './graph-fixture.js';
import { graphSnapshot, useNeo4jStore } from './neo4j-harness.js';

// Generous: every test talks to a real Neo4j, and shared CI machines can be slow.
vi.setConfig({ testTimeout: 240_000 });

const neo4j = useNeo4jStore({ batchSize: 25 });
const story = checkoutStory();
const writeStory = (target: Neo4jGraphStore) => writeCheckoutStory(target, story);

describe('Neo4jGraphStore schema', () => {
  it('creates a uniqueness constraint for every node key and the time/type indexes', async () => {
    const constraints = await neo4j.harness.driver.executeQuery('SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type RETURN name, labelsOrTypes, properties, type');
    const byName = new Map(constraints.records.map((record) => [record.get('name') as string, record.toObject()]));
    for (const name of schemaNames().constraints) expect(byName.get(name)?.type, name).toBe('UNIQUENESS');
    expect(byName.get('tapio_event_id_unique')).toMatchObject({ labelsOrTypes: ['Event'], properties: ['id'] });
    expect(byName.get('tapio_pod_key_unique')).toMatchObject({ labelsOrTypes: ['Pod'], properties: ['key'] });
    const indexes = await neo4j.harness.driver.executeQuery('SHOW INDEXES YIELD name, state RETURN name, state');
    const states = new Map(indexes.records.map((record) => [record.get('name') as string, record.get('state') as string]));
    for (const name of schemaNames().indexes) expect(states.get(name), name).toBe('ONLINE');
  });
});

describe('Neo4jGraphStore writes', () => {
  it('stores the seed schema: kind labels, keys, native integers and datetimes', async () => {
    await writeStory(neo4j.store);
    const pod = await neo4j.harness.driver.executeQuery(
      `MATCH (p:Pod:Resource {key: $key}) RETURN p.name AS name, p.namespace AS namespace, p.cluster AS cluster, p.phase AS phase,
       valueType(p.restart_count) AS restartType, p.restart_count AS restarts, valueType(p.updated_at) AS updatedType`,
      { key: story.key(story.refs.pod1) },
    );
    expect(pod.records[0]?.toObject()).toEqual({
      name: 'checkout-abc-1',
      namespace: 'shop',
      cluster: 'test',
      phase: 'Running',
      restartType: 'INTEGER NOT NULL',
      restarts: 5,
      updatedType: 'ZONED DATETIME NOT NULL',
    });
    const event = await neo4j.harness.driver.executeQuery('MATCH (e:Event {id: $id})-[:AFFECTS]->(r:ConfigMap) RETURN valueType(e.timestamp) AS type, e.type AS eventType, r.name AS name', {
      id: story.events.configChanged.id,
    });
    expect(event.records[0]?.toObject()).toEqual({ type: 'ZONED DATETIME NOT NULL', eventType: 'config_changed', name: 'checkout-config' });
    const preceded = await neo4j.harness.driver.executeQuery('MATCH (:Event)-[r:PRECEDED]->(:Event) RETURN valueType(r.delay) AS type, r.delay_ms AS ms');
    expect(preceded.records[0]?.toObject()).toEqual({ type: 'DURATION NOT NULL', ms: 228_000 });
    const relationships = await neo4j.harness.driver.executeQuery('MATCH ()-[r]->() RETURN DISTINCT type(r) AS type ORDER BY type');
    expect(relationships.records.map((record) => record.get('type'))).toEqual([
      'ABOUT',
      'AFFECTS',
      'APPLIES_TO',
      'BOUND_TO',
      'CAUSED',
      'CLAIMS',
      'CORRELATED_WITH',
      'EXPLAINS',
      'MATCHES',
      'MOUNTS',
      'OWNS',
      'PRECEDED',
      'PREDICTED',
      'ROUTES_TO',
      'RUNS_ON',
      'SELECTS',
      'TRIGGERED',
      'USES_SECRET',
      'VALIDATES',
    ]);
  });

  it('is idempotent: writing the same batches twice leaves the graph unchanged', async () => {
    await writeStory(neo4j.store);
    const once = await graphSnapshot(neo4j.harness.driver);
    await writeStory(neo4j.store);
    const twice = await graphSnapshot(neo4j.harness.driver);
    expect(twice).toEqual(once);
    expect(once.nodes.length).toBeGreaterThan(20);
    const stats = await neo4j.store.stats();
    expect(stats.events).toBe(story.allEvents.length);
  });

  it('links insights to what they are about, and gives ABOUT edges on start to insights stored without them', async () => {
    await writeStory(neo4j.store);
    const about = async () =>
      (await neo4j.harness.driver.executeQuery('MATCH (i:Insight {id: $id})-[:ABOUT]->(r) RETURN r.key AS key ORDER BY key', { id: story.insight.id })).records.map((record) => record.get('key') as string);
    const keys = await about();
    expect(keys).toContain(story.key(story.insight.rootCause.entity));
    expect(keys.length).toBeGreaterThan(1);
    // As a store written before ABOUT edges existed would be:
    await neo4j.harness.driver.executeQuery('MATCH (:Insight)-[rel:ABOUT]->() DELETE rel');
    expect((await neo4j.store.why(story.insight.rootCause.entity, {})).insights).toEqual([]);
    const restarted = await neo4j.harness.store({ batchSize: 25 });
    expect(await about()).toEqual(keys);
    expect((await restarted.why(story.insight.rootCause.entity, {})).insights.map((insight) => insight.id)).toContain(story.insight.id);
  });

  it('retention deletes events older than maxAge before the newest, in chunks, keeping resources and insights', async () => {
    const pruning = await neo4j.harness.store({ batchSize: 500, retention: { maxAge: '1d', chunk: 7 } });
    await writeStory(pruning);
    const base = story.events.crashLoop;
    const old = Array.from({ length: 30 }, (_, index) => ({ ...base, id: `old-${index}`, timestamp: new Date(Date.parse(base.timestamp) - 3 * 86_400_000 - index * 1000).toISOString() }));
    await pruning.write({ events: old });
    await pruning.flush();
    const all = [...story.allEvents, ...old];
    const newest = Math.max(...all.map((event) => Date.parse(event.timestamp)));
    const expired = all.filter((event) => Date.parse(event.timestamp) < newest - 86_400_000);
    expect(expired.length).toBeGreaterThanOrEqual(30);
    const before = await pruning.stats();
    expect(await pruning.pruneNow()).toBe(expired.length);
    const after = await pruning.stats();
    expect(after.events).toBe(before.events - expired.length);
    expect(after.resources).toBe(before.resources);
    expect(after.insights).toBe(before.insights);
    expect(await pruning.event('old-0')).toBeUndefined();
    expect(await pruning.event(base.id)).toBeDefined();
    expect(await neo4j.store.pruneNow()).toBe(0);
  });

  it('keeps the first write of an event id, as replays and redeliveries expect', async () => {
    await neo4j.store.write({ events: [story.events.crashLoop, { ...story.events.crashLoop, message: 'rewritten', entity: story.refs.service }] });
    await neo4j.store.flush();
    expect((await neo4j.store.event(story.events.crashLoop.id))?.message).toBe(story.events.crashLoop.message);
    const affects = await neo4j.harness.driver.executeQuery('MATCH (:Event {id: $id})-[:AFFECTS]->(r) RETURN r.key AS key', { id: story.events.crashLoop.id });
    expect(affects.records.map((record) => record.get('key'))).toEqual([story.key(story.refs.pod1)]);
  });

  it('keeps the first write of ids redelivered in a later batch, and stores the batch\'s new events', async () => {
    const rejected = () => neo4j.store.health().details?.rejected;
    const rejectedBefore = rejected();
    await neo4j.store.write({ events: [story.events.crashLoop] });
    await neo4j.store.flush();
    const stranger = { cluster: 'test', kind: 'Pod', namespace: 'other', name: 'late' };
    await neo4j.store.write({ events: [{ ...story.events.crashLoop, message: 'rewritten' }, { ...story.events.crashLoop, id: 'after-redelivery', entity: stranger }] });
    await neo4j.store.flush();
    expect((await neo4j.store.event(story.events.crashLoop.id))?.message).toBe(story.events.crashLoop.message);
    const affects = await neo4j.harness.driver.executeQuery('MATCH (e:Event)-[:AFFECTS]->(r) RETURN e.id AS id, r.key AS key ORDER BY id');
    expect(affects.records.map((record) => record.toObject())).toEqual([
      { id: 'after-redelivery', key: entityKey(stranger) },
      { id: story.events.crashLoop.id, key: story.key(story.refs.pod1) },
    ]);
    // Nothing dead-lettered: the stored id is no data error.
    expect(rejected()).toBe(rejectedBefore);
  });

  it('replaces edge sets: a changed selector drops the stale SELECTS edge', async () => {
    await writeStory(neo4j.store);
    const service = story.topology.find((change) => change.op === 'upsert' && change.node.key === story.key(story.refs.service));
    if (service?.op !== 'upsert') throw new Error('fixture has no service');
    await neo4j.store.write({ topology: [{ ...service, edges: service.edges.filter((edge) => edge.to === story.key(story.refs.pod2)) }] });
    await neo4j.store.flush();
    const selected = (await neo4j.store.edgesOf(story.key(story.refs.service))).filter((edge) => edge.type === 'SELECTS').map((edge) => edge.to);
    expect(selected).toEqual([story.key(story.refs.pod2)]);
  });

  it('deletes: the node stays marked deleted with its events, its topology edges go', async () => {
    await writeStory(neo4j.store);
    const podKey = story.key(story.refs.pod1);
    await neo4j.store.write({ topology: [{ op: 'delete', key: podKey, at: '2026-03-02T10:30:00Z' }] });
    await neo4j.store.flush();
    const node = await neo4j.store.resource(story.refs.pod1);
    expect(node).toMatchObject({ key: podKey, deleted: true, updatedAt: '2026-03-02T10:30:00Z' });
    expect(node?.facts?.phase).toBe('Running');
    expect(await neo4j.store.edgesOf(podKey)).toEqual([]);
    expect((await neo4j.store.timeline(story.refs.pod1, {})).length).toBe(7);
    const impact = await neo4j.store.impact(story.refs.configMap);
    expect(impact.pods.map((pod) => pod.name)).toEqual(['checkout-abc-2']);
    // Deleted and re-created under the same name: live again, edges back.
    const recreated = story.topology.find((change) => change.op === 'upsert' && change.node.key === podKey);
    await neo4j.store.write({ topology: recreated ? [recreated] : [] });
    await neo4j.store.flush();
    expect((await neo4j.store.resource(story.refs.pod1))?.deleted).toBe(false);
    // Its own edge sets come back; SELECTS and APPLIES_TO are the Service's and policy's to re-add.
    expect((await neo4j.store.edgesOf(podKey)).length).toBe(5);
  });

  it('applies changes of one batch in order: delete then re-create, upsert then delete', async () => {
    const [namespace] = story.topology;
    if (namespace?.op !== 'upsert') throw new Error('fixture order changed');
    const key = namespace.node.key;
    await neo4j.store.write({ topology: [namespace, { op: 'delete', key, at: '2026-03-02T11:00:00Z' }, namespace, { op: 'delete', key, at: '2026-03-02T11:05:00Z' }] });
    await neo4j.store.flush();
    expect(await neo4j.store.resource(namespace.node.ref)).toMatchObject({ deleted: true, updatedAt: '2026-03-02T11:05:00Z' });
  });

  it('keeps order between an edge set replaced on one side and edges listed on the other', async () => {
    const at = '2026-03-02T10:00:00Z';
    const service = { cluster: 'test', kind: 'Service', namespace: 'shop', name: 's' };
    const pod = (name: string) => ({ cluster: 'test', kind: 'Pod', namespace: 'shop', name });
    const selectedBy = (name: string): TopologyChange => ({
      op: 'upsert',
      node: { key: entityKey(pod(name)), ref: pod(name), deleted: false, updatedAt: at },
      replace: [{ type: 'SELECTS', direction: 'in' }],
      edges: [{ type: 'SELECTS', from: entityKey(service), to: entityKey(pod(name)) }],
    });
    const selectsNothing: TopologyChange = { op: 'upsert', node: { key: entityKey(service), ref: service, deleted: false, updatedAt: at }, replace: [{ type: 'SELECTS', direction: 'out' }], edges: [] };
    await neo4j.store.write({ topology: [selectedBy('x'), selectsNothing, selectedBy('y')] });
    await neo4j.store.flush();
    expect((await neo4j.store.edgesOf(entityKey(service))).map((edge) => edge.to)).toEqual([entityKey(pod('y'))]);
  });

  it('gives a batch of random topology changes the same graph as applying them one at a time', async () => {
    const batched = await neo4j.harness.store({ batchSize: 1000 });
    const oneByOne = await neo4j.harness.store({ batchSize: 1 });
    const keys = [...'abcdefghijkl'].map((name) => `Pod/${name}`).concat(['ReplicaSet/r', 'Service/s', 'Service/t', 'Node/n', 'Node/m', 'ConfigMap/c']).map((id) => {
      const [kind, name] = id.split('/') as [string, string];
      return kind === 'Node' ? { cluster: 'test', kind, name } : { cluster: 'test', kind, namespace: 'shop', name };
    });
    const types = ['OWNS', 'SELECTS', 'RUNS_ON'] as const;
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pick = <T,>(items: readonly T[]): T => items[random(items.length)] as T;
    for (let round = 0; round < 8; round += 1) {
      const changes: TopologyChange[] = [];
      for (let index = 0; index < 40; index += 1) {
        const node = pick(keys);
        const at = new Date(Date.parse('2026-03-02T10:00:00Z') + (round * 40 + index) * 1000).toISOString();
        if (random(12) === 0) {
          changes.push({ op: 'delete', key: entityKey(node), at });
          continue;
        }
        const type = pick(types);
        const direction = random(2) === 0 ? 'out' : 'in';
        const others = keys.filter(() => random(6) === 0).map((other) => entityKey(other)).filter((other) => other !== entityKey(node));
        changes.push({
          op: 'upsert',
          node: { key: entityKey(node), ref: node, deleted: false, updatedAt: at, facts: { kind: node.kind, name: node.name, generation: round * 40 + index } },
          replace: [{ type, direction }],
          edges: others.map((other) => (direction === 'out' ? { type, from: entityKey(node), to: other } : { type, from: other, to: entityKey(node) })),
        });
      }
      await neo4j.harness.clear();
      await batched.write({ topology: changes });
      await batched.flush();
      const together = await graphSnapshot(neo4j.harness.driver);
      await neo4j.harness.clear();
      for (const change of changes) await oneByOne.write({ topology: [change] });
      await oneByOne.flush();
      expect(together, `round ${round}`).toEqual(await graphSnapshot(neo4j.harness.driver));
    }
  });

  it('creates a node for an event about an unknown entity and for edge endpoints never seen', async () => {
    const stranger = { cluster: 'test', kind: 'Pod', namespace: 'other', name: 'ghost', uid: 'u-ghost' };
    await neo4j.store.write({ events: [{ ...story.events.crashLoop, id: 'ghost-event', entity: stranger }] });
    await neo4j.store.flush();
    expect(await neo4j.store.resource(stranger)).toEqual({ key: entityKey(stranger), ref: stranger, deleted: false, updatedAt: story.events.crashLoop.timestamp });
    expect((await neo4j.store.why({ kind: 'Pod', namespace: 'other', name: 'ghost' }, {})).known).toBe(true);
  });

  it('refuses invalid input before accepting it, naming what and where', async () => {
    const broken = { ...story.events.crashLoop, id: 'broken-1', timestamp: 'yesterday' };
    await expect(neo4j.store.write({ events: [story.events.rollout, broken] })).rejects.toThrow(/event\[1\] \(broken-1\) is invalid at timestamp/);
    await neo4j.store.flush();
    expect(await neo4j.store.event(story.events.rollout.id)).toBeUndefined();
    await expect(neo4j.store.write({ topology: [{ op: 'delete', key: '', at: 'now' } as never] })).rejects.toThrow(/topology change\[0\]/);
  });
});

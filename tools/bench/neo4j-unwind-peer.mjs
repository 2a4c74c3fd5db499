// The peers of `npm run bench:neo4j`, run by it in fresh processes against the same Neo4j.
//
// --shape bare (the default, the issue's peer): the same synthetic events written by a bare
// `UNWIND $rows AS row CREATE (e:BenchPeerEvent) SET e = row` through neo4j-driver, one
// transaction per batch, in batches of the same size. Each row is the event's scalar fields
// plus the rest as one JSON string: no topology, no relationships, no de-duplication, no
// indexes: what the database takes at the least.
//
// --shape graph: the same events as Tapio stores them, written by the plainest Cypher that
// gives that graph: each event node with Tapio's properties (the store's own codec, from the
// build: DATETIMEs, the whole event as JSON) created with its AFFECTS edge to its pod
// (`UNWIND … MATCH (r {key}) CREATE (e {…})-[:AFFECTS]->(r)`), one CAUSED link per 20 events
// as the benchmark's correlations, under the same uniqueness constraint and range indexes as
// Tapio's Event and Resource labels (own labels, created before and dropped after). The pods
// exist beforehand (not timed): the steady state of a long ingest, where events far outnumber
// topology changes. No de-duplication and no topology: the difference to Tapio's ingest is
// what Tapio's queries add beyond the data itself.
//
// Everything written is deleted again. Prints one JSON line: { shape, events, seconds,
// eventsPerSecond, cpu }: `cpu` is the CPU seconds of the timed writes alone, of this process
// and, given `--db-pid`, of the database process.
//
//   node tools/bench/neo4j-unwind-peer.mjs --uri bolt://127.0.0.1:PORT [--password P] [--events 200000] [--pods 5000] [--batch 5000] [--db-pid PID] [--shape bare|graph]
import neo4j from 'neo4j-driver';
import { entityKey } from '@tapio/domain';
import { cpuSeconds } from './proc-cpu.mjs';
import { option, syntheticCluster } from './synthetic-graph.mjs';

const EVENTS = Number(option('events', '200000'));
const BATCH = Number(option('batch', '5000'));
const PODS = Number(option('pods', '5000'));
const SHAPE = option('shape', 'bare');
const password = option('password');
const { makeEvent, causalLinks, podKeys } = syntheticCluster(PODS);

function bareRow(event) {
  const { id, type, timestamp, source, severity, message, entity, ...rest } = event;
  return { id, type, timestamp, source, severity, message, entityKind: entity.kind, entityNamespace: entity.namespace ?? '', entityName: entity.name, payload: JSON.stringify(rest) };
}

const driver = neo4j.driver(option('uri'), password === undefined ? undefined : neo4j.auth.basic('neo4j', password));

/** Deletes every node with the label, in chunks. */
async function deleteAll(label) {
  for (;;) {
    const { records } = await driver.executeQuery(`MATCH (e:${label}) WITH e LIMIT 10000 DETACH DELETE e RETURN count(*) AS deleted`);
    if (Number(records[0]?.get('deleted') ?? 0) === 0) break;
  }
}

/** The bare peer: one statement per batch. */
const bare = {
  async setUp() {},
  write: (begin, end) => {
    const rows = [];
    for (let index = begin; index < end; index += 1) rows.push(bareRow(makeEvent(index)));
    return driver.executeQuery('UNWIND $rows AS row CREATE (e:BenchPeerEvent) SET e = row', { rows });
  },
  tearDown: () => deleteAll('BenchPeerEvent'),
};

const GRAPH_SCHEMA = [
  'CREATE CONSTRAINT bench_peer_graph_event_id IF NOT EXISTS FOR (n:BenchPeerGraphEvent) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT bench_peer_graph_resource_key IF NOT EXISTS FOR (n:BenchPeerGraphResource) REQUIRE n.key IS UNIQUE',
  'CREATE INDEX bench_peer_graph_event_timestamp IF NOT EXISTS FOR (n:BenchPeerGraphEvent) ON (n.timestamp)',
  'CREATE INDEX bench_peer_graph_event_type_timestamp IF NOT EXISTS FOR (n:BenchPeerGraphEvent) ON (n.type, n.timestamp)',
];

/** The same-graph peer: events with Tapio's properties, AFFECTS and CAUSED, Tapio's indexes. */
async function graphPeer() {
  // Tapio's own event codec from the build (not part of the package's exports).
  const { eventProperties } = await import(new URL('../../libs/integrations/neo4j/dist/codec/event-codec.js', import.meta.url).href);
  const names = Object.keys(eventProperties(makeEvent(0)));
  const create = `UNWIND $rows AS row MATCH (r:BenchPeerGraphResource {key: row.key}) CREATE (e:BenchPeerGraphEvent {${names.map((name) => `${name}: row.props.${name}`).join(', ')}})-[:AFFECTS]->(r)`;
  const link = 'UNWIND $rows AS row MATCH (a:BenchPeerGraphEvent {id: row.from}) MATCH (b:BenchPeerGraphEvent {id: row.to}) CREATE (a)-[:CAUSED {confidence: row.confidence, reason: row.reason, correlator: row.correlator}]->(b)';
  return {
    async setUp() {
      for (const statement of GRAPH_SCHEMA) await driver.executeQuery(statement);
      await driver.executeQuery('CALL db.awaitIndexes(300)');
      const keys = podKeys();
      for (let begin = 0; begin < keys.length; begin += BATCH) {
        await driver.executeQuery('UNWIND $keys AS key CREATE (:BenchPeerGraphResource {key: key})', { keys: keys.slice(begin, begin + BATCH) });
      }
    },
    async write(begin, end) {
      const events = [];
      for (let index = begin; index < end; index += 1) events.push(makeEvent(index));
      const session = driver.session();
      try {
        await session.executeWrite(async (tx) => {
          await tx.run(create, { rows: events.map((event) => ({ key: entityKey(event.entity), props: eventProperties(event) })) });
          const links = causalLinks(events, begin);
          if (links.length) await tx.run(link, { rows: links.map((c) => ({ from: c.fromEventId, to: c.toEventId, confidence: c.confidence, reason: c.reason, correlator: c.correlator })) });
        });
      } finally {
        await session.close();
      }
    },
    async tearDown() {
      await deleteAll('BenchPeerGraphEvent');
      await deleteAll('BenchPeerGraphResource');
      for (const name of ['bench_peer_graph_event_id', 'bench_peer_graph_resource_key']) await driver.executeQuery(`DROP CONSTRAINT ${name} IF EXISTS`);
      for (const name of ['bench_peer_graph_event_timestamp', 'bench_peer_graph_event_type_timestamp']) await driver.executeQuery(`DROP INDEX ${name} IF EXISTS`);
    },
  };
}

const peer = SHAPE === 'graph' ? await graphPeer() : SHAPE === 'bare' ? bare : undefined;
if (!peer) throw new Error(`--shape must be bare or graph, not "${SHAPE}"`);
try {
  await peer.setUp();
  const dbPid = option('db-pid');
  const dbBefore = dbPid ? cpuSeconds(dbPid) : undefined;
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  for (let begin = 0; begin < EVENTS; begin += BATCH) await peer.write(begin, Math.min(EVENTS, begin + BATCH));
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  const cpu = { client: (client.user + client.system) / 1e6, db: dbPid ? cpuSeconds(dbPid) - dbBefore : undefined };
  await peer.tearDown();
  process.stdout.write(`${JSON.stringify({ shape: SHAPE, events: EVENTS, seconds, eventsPerSecond: EVENTS / seconds, cpu })}\n`);
} finally {
  await driver.close();
}

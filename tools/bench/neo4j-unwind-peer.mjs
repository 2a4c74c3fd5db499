// The peer of `npm run bench:neo4j`, run by it in a fresh process against the same Neo4j:
// the same synthetic events written by a bare `UNWIND $rows AS row CREATE (e:BenchPeerEvent)
// SET e = row` through neo4j-driver, one transaction per batch, in batches of the same size,
// then deleted again. Each row is the event's scalar fields plus the rest as one JSON string:
// no topology, no relationships, no de-duplication, no indexes: what the database takes at
// the least. Prints one JSON line: { events, seconds, eventsPerSecond, cpu }: `cpu` is the
// CPU seconds of the writes alone (not the deletes), of this process and, given
// `--db-pid`, of the database process.
//
//   node tools/bench/neo4j-unwind-peer.mjs --uri bolt://127.0.0.1:PORT [--password P] [--events 200000] [--pods 5000] [--batch 5000] [--db-pid PID]
import neo4j from 'neo4j-driver';
import { cpuSeconds } from './proc-cpu.mjs';
import { option, syntheticCluster } from './synthetic-graph.mjs';

const EVENTS = Number(option('events', '200000'));
const BATCH = Number(option('batch', '5000'));
const password = option('password');
const { makeEvent } = syntheticCluster(Number(option('pods', '5000')));

function row(event) {
  const { id, type, timestamp, source, severity, message, entity, ...rest } = event;
  return { id, type, timestamp, source, severity, message, entityKind: entity.kind, entityNamespace: entity.namespace ?? '', entityName: entity.name, payload: JSON.stringify(rest) };
}

const driver = neo4j.driver(option('uri'), password === undefined ? undefined : neo4j.auth.basic('neo4j', password));
try {
  const dbPid = option('db-pid');
  const dbBefore = dbPid ? cpuSeconds(dbPid) : undefined;
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  for (let begin = 0; begin < EVENTS; begin += BATCH) {
    const rows = [];
    for (let index = begin; index < Math.min(EVENTS, begin + BATCH); index += 1) rows.push(row(makeEvent(index)));
    await driver.executeQuery('UNWIND $rows AS row CREATE (e:BenchPeerEvent) SET e = row', { rows });
  }
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  const cpu = { client: (client.user + client.system) / 1e6, db: dbPid ? cpuSeconds(dbPid) - dbBefore : undefined };
  for (;;) {
    const { records } = await driver.executeQuery('MATCH (e:BenchPeerEvent) WITH e LIMIT 10000 DETACH DELETE e RETURN count(*) AS deleted');
    if (Number(records[0]?.get('deleted') ?? 0) === 0) break;
  }
  process.stdout.write(`${JSON.stringify({ events: EVENTS, seconds, eventsPerSecond: EVENTS / seconds, cpu })}\n`);
} finally {
  await driver.close();
}

// Where the database's CPU goes, statement by statement, for the batches `npm run bench:neo4j`
// writes: the store's own statements (transactionStatements from a build, with their follow-ups) run one by one
// in one transaction per batch against a running Neo4j, the database process's CPU read from
// /proc around each statement and each commit. Not a figure with a peer: the breakdown behind
// one (docs/benchmarks-log.md, "Neo4j ingest, sixth pass"). Empties the database first.
//
//   node tools/bench/neo4j-statement-profile.mjs --uri bolt://127.0.0.1:PORT --db-pid PID
//        [--events 20000] [--pods 5000] [--batch 5000] [--store-dist libs/integrations/neo4j/dist]
//        [--password P] [--hits]   (--hits: PROFILE each statement and print database hits per row too)
import neo4j from 'neo4j-driver';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuSeconds } from './proc-cpu.mjs';
import { EPOCH, option, syntheticCluster } from './synthetic-graph.mjs';

const EVENTS = Number(option('events', '20000'));
const BATCH = Number(option('batch', '5000'));
const DB_PID = option('db-pid');
const HITS = process.argv.includes('--hits');
const password = option('password');
if (!option('uri') || !DB_PID) throw new Error('--uri and --db-pid (the Neo4j process) are required');
const dist = pathToFileURL(`${resolve(option('store-dist', 'libs/integrations/neo4j/dist'))}/`);
const { batchStatements, transactionStatements } = await import(new URL('write/batch-statements.js', dist).href);
const { subBatches } = await import(new URL('write/sub-batches.js', dist).href);
// A build from before transactionStatements (the event statement's follow-up) cut the batch itself.
const statementsOf = (ops) => (transactionStatements ? transactionStatements(ops, false) : subBatches(ops).flatMap((part) => batchStatements(part)));
const { Neo4jGraphStore } = await import(new URL('index.js', dist).href);
const { deployments, deploymentTopology, makeEvent, causalLinks } = syntheticCluster(Number(option('pods', '5000')));

const driver = neo4j.driver(option('uri'), password === undefined ? undefined : neo4j.auth.basic('neo4j', password));
const hitsOf = (plan) => (plan?.dbHits ?? 0) + (plan?.children ?? []).reduce((sum, child) => sum + hitsOf(child), 0);
const byStatement = new Map();
function account(name, rows, seconds, hits) {
  const entry = byStatement.get(name) ?? { rows: 0, seconds: 0, hits: 0 };
  entry.rows += rows;
  entry.seconds += seconds;
  entry.hits += hits;
  byStatement.set(name, entry);
}

async function apply(ops) {
  const session = driver.session();
  try {
    const tx = session.beginTransaction();
    const queue = statementsOf(ops);
    for (let statement = queue.shift(); statement; statement = queue.shift()) {
      const before = cpuSeconds(DB_PID);
      const result = await tx.run(`${HITS ? 'PROFILE ' : ''}${statement.text}`, statement.params);
      account(statement.text.replace(/\s+/g, ' ').slice(0, 100), statement.params.rows.length, cpuSeconds(DB_PID) - before, hitsOf(result.summary.profile));
      // What the statement reported missing (resources of events), made good before the rest, as the store does.
      if (statement.followUp) queue.unshift(...statement.followUp(result.records.map((record) => ({ id: record.get('id'), key: record.get('key') }))));
    }
    const before = cpuSeconds(DB_PID);
    await tx.commit();
    account('COMMIT', 0, cpuSeconds(DB_PID) - before, 0);
  } finally {
    await session.close();
  }
}

try {
  for (;;) {
    const { records } = await driver.executeQuery('MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted');
    if (Number(records[0]?.get('deleted') ?? 0) === 0) break;
  }
  // The schema, as the store creates it on start.
  const store = new Neo4jGraphStore({ uri: option('uri'), ...(password ? { password } : {}) });
  await store.start();
  await store.stop();
  const topologyEvery = Math.max(1, Math.floor(EVENTS / deployments));
  for (let begin = 0; begin < EVENTS; begin += BATCH) {
    const end = Math.min(EVENTS, begin + BATCH);
    const ops = [];
    for (let index = begin; index < end; index += 1) {
      if (index % topologyEvery !== 0 || index / topologyEvery >= deployments) continue;
      for (const change of deploymentTopology(index / topologyEvery, new Date(EPOCH + index * 50).toISOString())) ops.push({ kind: 'topology', change });
    }
    const events = Array.from({ length: end - begin }, (_, offset) => makeEvent(begin + offset));
    for (const event of events) ops.push({ kind: 'event', event });
    for (const correlation of causalLinks(events, begin)) ops.push({ kind: 'correlation', correlation });
    await apply(ops);
  }
  const total = [...byStatement.values()].reduce((sum, entry) => sum + entry.seconds, 0);
  console.log(`database CPU by statement, ${EVENTS} events (batch ${BATCH}): ${Math.round((1e6 * total) / EVENTS)} µs per event in all`);
  for (const [name, entry] of [...byStatement].sort((a, b) => b[1].seconds - a[1].seconds)) {
    const perRow = entry.rows ? `${Math.round((1e6 * entry.seconds) / entry.rows)} µs/row`.padStart(12) : ''.padStart(12);
    const hits = HITS && entry.rows ? `  ${(entry.hits / entry.rows).toFixed(1)} hits/row` : '';
    console.log(`${((100 * entry.seconds) / total).toFixed(1).padStart(5)}%  ${Math.round(1000 * entry.seconds).toString().padStart(6)} ms  ${perRow}  ${String(entry.rows).padStart(7)} rows${hits}  ${name}`);
  }
} finally {
  await driver.close();
}

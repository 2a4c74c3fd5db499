// The stored graph of the benchmark's writes as one digest, to compare two builds of the store:
// empties the database, writes with the store (from a build: --store-module) the synthetic
// cluster's topology, events and correlations as `npm run bench:neo4j` does (events on pods
// whose topology comes later, so stubs are made), then redelivers a run of stored events with
// other content (the first write must win), and prints the SHA-256 of every node (labels and
// properties) and relationship (type, endpoints' keys or ids, properties) in a stable order,
// with their counts. Equal digests: the same graph.
//
//   node tools/bench/neo4j-graph-digest.mjs --uri bolt://127.0.0.1:PORT [--password P]
//        [--events 20000] [--pods 2000] [--batch 5000] [--store-module path/to/neo4j/dist/index.js]
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import neo4j from 'neo4j-driver';
import { EPOCH, option, syntheticCluster } from './synthetic-graph.mjs';

const EVENTS = Number(option('events', '20000'));
const BATCH = Number(option('batch', '5000'));
const password = option('password');
const auth = password === undefined ? undefined : neo4j.auth.basic('neo4j', password);
const { Neo4jGraphStore } = await import(pathToFileURL(resolve(option('store-module', 'libs/integrations/neo4j/dist/index.js'))).href);
const { deployments, deploymentTopology, makeEvent, causalLinks } = syntheticCluster(Number(option('pods', '2000')));

const driver = neo4j.driver(option('uri'), auth);
const store = new Neo4jGraphStore({ uri: option('uri'), ...(password ? { password } : {}), batchSize: BATCH, bufferLimit: BATCH * 4 });
try {
  for (;;) {
    const { records } = await driver.executeQuery('MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted');
    if (Number(records[0]?.get('deleted') ?? 0) === 0) break;
  }
  await store.start();
  // Half the deployments' topology spread over the events, so most pods are named by events first.
  const topologyEvery = Math.max(1, Math.floor((2 * EVENTS) / deployments));
  for (let begin = 0; begin < EVENTS; begin += BATCH) {
    const end = Math.min(EVENTS, begin + BATCH);
    const topology = [];
    for (let index = begin; index < end; index += 1) {
      if (index % topologyEvery === 0 && index / topologyEvery < deployments) topology.push(...deploymentTopology(index / topologyEvery, new Date(EPOCH + index * 50).toISOString()));
    }
    if (topology.length) await store.write({ topology });
    const events = Array.from({ length: end - begin }, (_, offset) => makeEvent(begin + offset));
    await store.write({ events });
    await store.write({ correlations: causalLinks(events, begin) });
  }
  // A redelivery: stored ids again, other content, mixed with new ones.
  const again = Array.from({ length: BATCH }, (_, offset) => ({ ...makeEvent(EVENTS - BATCH / 2 + offset), message: 'redelivered' }));
  await store.write({ events: again });
  await store.flush();
  const text = (value) => JSON.stringify(value, (_key, item) => (item && typeof item === 'object' && !Array.isArray(item) && item.constructor?.name !== 'Object' ? String(item) : item));
  const sorted = (props) => Object.fromEntries(Object.entries(props).sort(([a], [b]) => a.localeCompare(b)));
  const nodes = (await driver.executeQuery('MATCH (n) RETURN labels(n) AS labels, properties(n) AS props')).records.map((record) => text({ labels: [...record.get('labels')].sort(), props: sorted(record.get('props')) })).sort();
  const relationships = (await driver.executeQuery('MATCH (a)-[r]->(b) RETURN type(r) AS type, coalesce(a.key, a.id) AS from, coalesce(b.key, b.id) AS to, properties(r) AS props')).records
    .map((record) => text({ type: record.get('type'), from: record.get('from'), to: record.get('to'), props: sorted(record.get('props')) }))
    .sort();
  const digest = createHash('sha256');
  for (const line of [...nodes, '--', ...relationships]) digest.update(`${line}\n`);
  console.log(JSON.stringify({ nodes: nodes.length, relationships: relationships.length, sha256: digest.digest('hex') }));
} finally {
  await store.stop();
  await driver.close();
}

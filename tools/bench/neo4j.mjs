// Neo4j graph store benchmark: ingest rate of events with their topology, then p50/p99 of
// the why / context questions with everything stored. Runs against the BUILT packages
// (npm run build first). Starts its own Neo4j 5 Community (tools/neo4j) unless --uri is given.
// First, in a fresh process against the same database, the peer: a bare UNWIND ... CREATE of
// the same events in batches of the same size (tools/bench/neo4j-unwind-peer.mjs); the
// ingest rate is printed as a ratio to it. Then the same-graph peer (`--shape graph`: the
// same events with Tapio's properties, edges and indexes by plain CREATEs): the database CPU
// ratio to it is what Tapio's own queries cost beyond the data. --json prints one JSON line
// at the end.
//
//   npm run bench:neo4j -- [--events 1000000] [--pods 5000] [--queries 500] [--batch 5000]
//                          [--peer-events 200000] [--json] [--uri bolt://host:7687 --password ...]
//                          [--store-module path/to/a/copy/of/neo4j/dist/index.js]
//                          [--db-pid PID] [--clear]
// With --uri, --db-pid names the database's process so its CPU per event is read there too,
// and --clear deletes every node first (a server reused across runs starts each run empty:
// the events' ids are the same in every run, and the first write of an id wins).
// --store-module takes the store from another build (a copy of libs/integrations/neo4j/dist
// from before a change, kept inside the workspace so its imports resolve): interleaved
// before/after runs in fresh processes on the same machine.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startNeo4j } from '../neo4j/test-server.mjs';
import { cpuSeconds } from './proc-cpu.mjs';
import { EPOCH, namespaceOf, option, percentile, PODS_PER_DEPLOYMENT, podRef, ref, syntheticCluster } from './synthetic-graph.mjs';

const EVENTS = Number(option('events', '1000000'));
const PODS = Number(option('pods', '5000'));
const QUERIES = Number(option('queries', '500'));
const BATCH = Number(option('batch', '5000'));
const PEER_EVENTS = Number(option('peer-events', String(Math.min(EVENTS, 200_000))));
const JSON_OUT = process.argv.includes('--json');
const STORE_MODULE = option('store-module');
const CLEAR = process.argv.includes('--clear');
const { Neo4jGraphStore } = await import(STORE_MODULE ? pathToFileURL(resolve(STORE_MODULE)).href : '@tapio/neo4j');
const { deployments, deploymentTopology, makeEvent, causalLinks } = syntheticCluster(PODS);

async function timeQueries(name, count, run) {
  // Warm-up, not timed: the first run of each query shape plans and compiles it, and the
  // page cache fills; a long-running Tapio answers with warm plans and pages.
  for (let index = 0; index < Math.min(50, count); index += 1) await run(count + index);
  const times = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await run(index);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(22)} p50 ${percentile(times, 50).toFixed(1)} ms   p99 ${percentile(times, 99).toFixed(1)} ms   (${count} queries)`);
  return percentile(times, 99);
}

/** Deletes every node of a reused database, in chunks (one transaction for all would need its whole size in memory). */
async function clearDatabase(uri, password) {
  const { default: neo4j } = await import('neo4j-driver');
  const driver = neo4j.driver(uri, password === undefined ? undefined : neo4j.auth.basic('neo4j', password));
  try {
    for (;;) {
      const { records } = await driver.executeQuery('MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted');
      if (Number(records[0]?.get('deleted') ?? 0) === 0) break;
    }
  } finally {
    await driver.close();
  }
}

async function main() {
  const external = option('uri');
  const server = external ? undefined : await startNeo4j({ heapMb: 4096, pageCacheMb: 4096, startTimeoutMs: 180_000 });
  const password = option('password');
  const dbPid = server?.pid ?? option('db-pid');
  if (external && CLEAR) await clearDatabase(external, password);
  const store = new Neo4jGraphStore({ uri: external ?? server.uri, ...(password ? { password } : {}), batchSize: BATCH, bufferLimit: BATCH * 4 });
  try {
    const peerArgs = ['--uri', external ?? server.uri, '--events', String(PEER_EVENTS), '--pods', String(PODS), '--batch', String(BATCH), ...(password ? ['--password', password] : []), ...(dbPid ? ['--db-pid', String(dbPid)] : [])];
    const runPeer = (shape) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(new URL('./neo4j-unwind-peer.mjs', import.meta.url)), ...peerArgs, '--shape', shape]).toString().trim().split('\n').pop());
    // CPU of each side: the database (its process id known) and the client process.
    const perEvent = (cpu, events) => (cpu === undefined ? 'n/a' : `${Math.round((1e6 * cpu) / events)} µs`);
    const peer = runPeer('bare');
    const peerCpu = peer.cpu;
    console.log(`peer: bare UNWIND ... CREATE of ${peer.events} of the same events (batch ${BATCH}, fresh process, same database): ${Math.round(peer.eventsPerSecond)} events/s; CPU per event: database ${perEvent(peerCpu.db, peer.events)}, client ${perEvent(peerCpu.client, peer.events)}`);
    const graphPeer = runPeer('graph');
    console.log(`same-graph peer: UNWIND ... CREATE of the same events with Tapio's properties, AFFECTS and CAUSED edges and indexes (no de-duplication, no topology): ${Math.round(graphPeer.eventsPerSecond)} events/s; CPU per event: database ${perEvent(graphPeer.cpu.db, graphPeer.events)}, client ${perEvent(graphPeer.cpu.client, graphPeer.events)}`);
    await store.start();
    console.log(`Neo4j graph store benchmark: ${EVENTS} events on ${PODS} pods, batch ${BATCH}, ${external ?? server.uri}`);
    const topologyEvery = Math.max(1, Math.floor(EVENTS / deployments));
    let correlations = 0;
    let topologyChanges = 0;
    const ingestCpuBefore = { db: dbPid ? cpuSeconds(dbPid) : undefined, client: process.cpuUsage() };
    const started = performance.now();
    let lastReport = started;
    for (let begin = 0; begin < EVENTS; begin += BATCH) {
      const end = Math.min(EVENTS, begin + BATCH);
      const topology = [];
      for (let index = begin; index < end; index += 1) {
        if (index % topologyEvery === 0 && index / topologyEvery < deployments) topology.push(...deploymentTopology(index / topologyEvery, new Date(EPOCH + index * 50).toISOString()));
      }
      topologyChanges += topology.length;
      if (topology.length) await store.write({ topology: topology });
      const events = Array.from({ length: end - begin }, (_, offset) => makeEvent(begin + offset));
      await store.write({ events: events });
      const links = causalLinks(events, begin);
      correlations += links.length;
      await store.write({ correlations: links });
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(`  ${end} events accepted, ${Math.round(end / ((lastReport - started) / 1000))} events/s so far`);
      }
    }
    await store.flush();
    const seconds = (performance.now() - started) / 1000;
    const rate = EVENTS / seconds;
    const clientCpu = process.cpuUsage(ingestCpuBefore.client);
    const ingestCpu = { db: dbPid ? cpuSeconds(dbPid) - ingestCpuBefore.db : undefined, client: (clientCpu.user + clientCpu.system) / 1e6 };
    console.log(`ingest: ${EVENTS} events + ${topologyChanges} topology changes + ${correlations} correlations in ${seconds.toFixed(1)} s = ${Math.round(rate)} events/s (target >= 20000); ratio to the bare UNWIND peer ${(rate / peer.eventsPerSecond).toFixed(3)}`);
    const dbRatio = (other) => (ingestCpu.db && other.cpu.db ? (other.cpu.db / other.events / (ingestCpu.db / EVENTS)).toFixed(2) : 'n/a');
    console.log(`ingest CPU per event: database ${perEvent(ingestCpu.db, EVENTS)}, this process ${perEvent(ingestCpu.client, EVENTS)} (generating the events included); database CPU ratio peer/Tapio: bare ${dbRatio(peer)}, same graph ${dbRatio(graphPeer)}; load average ${loadavg()[0].toFixed(1)}`);
    console.log(`stored: ${JSON.stringify(await store.stats())}`);
    if (server) console.log(`on disk: ${execFileSync('du', ['-sh', server.dataDir]).toString().split('\t')[0]} (store files and transaction logs)`);

    const range = { since: new Date(EPOCH).toISOString() };
    const pick = (index) => (index * 104729) % PODS;
    const whyP99 = await timeQueries('why(pod)', QUERIES, (index) => store.why({ kind: 'Pod', namespace: namespaceOf(pick(index)), name: podRef(pick(index)).name }, range));
    const contextP99 = await timeQueries('eventContext(event)', QUERIES, (index) => store.eventContext(`bench-${(index * 15485863) % EVENTS}`));
    await timeQueries('timeline(pod)', Math.min(QUERIES, 200), (index) => store.timeline(podRef(pick(index)), range));
    await timeQueries('impact(configmap)', Math.min(QUERIES, 200), (index) => store.impact(ref('ConfigMap', `app-${index % deployments}-config`, namespaceOf((index % deployments) * PODS_PER_DEPLOYMENT))));
    console.log(`targets: ingest >= 20000 events/s: ${rate >= 20_000 ? 'met' : 'MISSED'}; why/context p99 < 100 ms: ${whyP99 < 100 && contextP99 < 100 ? 'met' : 'MISSED'}`);
    if (JSON_OUT) console.log(JSON.stringify({ events: EVENTS, eventsPerSecond: rate, peerEventsPerSecond: peer.eventsPerSecond, peerEvents: peer.events, ratio: rate / peer.eventsPerSecond, ingestCpu, peerCpu, graphPeer, whyP99, contextP99 }));
  } finally {
    await store.stop();
    await server?.stop();
  }
}

await main();

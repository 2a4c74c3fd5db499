// Warm start benchmark: how long a restarted Tapio takes to rebuild its correlation
// engine's working state from the graph (docs/architecture.md, "Warm start"): read the
// topology, read the newest events within the window, replay them through the engine with
// every correlator and built-in pattern. Runs against the BUILT packages (npm run build
// first). The memory store is filled directly; with --store neo4j the bench starts its own
// Neo4j 5 Community (tools/neo4j) and writes the same graph into it first.
//
//   npm run bench:warm-start -- [--store memory|neo4j] [--events 200000] [--pods 10000]
import {
  CorrelationEngine,
  loadBuiltinPatterns,
  builtinCorrelators,
} from '@tapio/correlation';
import { MemoryGraphStore } from '@tapio/embedded';
import { Neo4jGraphStore } from '@tapio/neo4j';
import { warmStart } from '../../apps/tapio/dist/runtime/warm-start.js';
import { startNeo4j } from '../neo4j/test-server.mjs';
import { option, syntheticCluster } from './synthetic-graph.mjs';

const STORE = option('store', 'memory');
const EVENTS = Number(option('events', '200000'));
const PODS = Number(option('pods', '10000'));
const BATCH = 5000;
// Synthetic events are 50 ms apart: a window over all of them, so the replay is EVENTS long.
const WINDOW_MS = EVENTS * 50 + 60_000;
const { deployments, deploymentTopology, makeEvent } = syntheticCluster(PODS);
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

async function fill(store) {
  const started = performance.now();
  for (let deployment = 0; deployment < deployments; deployment += 1) await store.write({ topology: deploymentTopology(deployment, new Date(0).toISOString()) });
  for (let begin = 0; begin < EVENTS; begin += BATCH) {
    const events = [];
    for (let index = begin; index < Math.min(EVENTS, begin + BATCH); index += 1) events.push(makeEvent(index));
    await store.write({ events: events });
  }
  await store.flush();
  return (performance.now() - started) / 1000;
}

async function timed(run) {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

async function main() {
  if (STORE !== 'memory' && STORE !== 'neo4j') throw new Error(`--store must be memory or neo4j, not ${STORE}`);
  const server = STORE === 'neo4j' ? await startNeo4j({ heapMb: 4096, pageCacheMb: 2048, startTimeoutMs: 180_000 }) : undefined;
  const store = server ? new Neo4jGraphStore({ uri: server.uri, batchSize: BATCH, bufferLimit: BATCH * 4 }) : new MemoryGraphStore({ retention: { maxEvents: EVENTS * 2, maxAgeMs: 7 * 24 * 3_600_000 } });
  try {
    await store.start();
    console.log(`Tapio warm start benchmark: ${STORE} store, ${EVENTS} events on ${PODS} pods`);
    console.log(`  filled the store in ${(await fill(store)).toFixed(1)} s`);
    // The parts on their own, then the whole as a restarted Tapio runs it.
    const topology = await timed(() => store.topologySnapshot());
    console.log(`  topology read:  ${topology.ms.toFixed(0)} ms (${topology.result.nodes.length} resources, ${topology.result.edges.length} edges)`);
    let read = 0;
    const reading = await timed(async () => {
      let cursor;
      do {
        const page = await store.events({ limit: 1000, ...(cursor ? { cursor } : {}) });
        read += page.items.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor && read < EVENTS);
    });
    console.log(`  events read:    ${reading.ms.toFixed(0)} ms (${read} events, ${Math.round(read / (reading.ms / 1000))} events/s)`);
    const engine = new CorrelationEngine(builtinCorrelators(), undefined, { windowMs: WINDOW_MS, maxEvents: 1_000_000, mergeWindowMs: 3_600_000 });
    engine.setPatterns(loadBuiltinPatterns());
    const whole = await timed(() => warmStart(engine, store, { windowMs: WINDOW_MS, maxEvents: EVENTS }, silent));
    const seconds = whole.ms / 1000;
    console.log(`  warm start:     ${seconds.toFixed(1)} s for ${whole.result.events} events (${Math.round(whole.result.events / seconds)} events/s), ${whole.result.resources.length} resources; heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB`);
  } finally {
    await store.stop();
    await server?.stop();
  }
}

await main();

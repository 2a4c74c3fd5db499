// Neo4j graph store benchmark: ingest rate of events with their topology, then p50/p99 of
// the why / context questions with everything stored. Runs against the BUILT packages
// (npm run build first). Starts its own Neo4j 5 Community (tools/neo4j) unless --uri is given.
//
//   npm run bench:neo4j -- [--events 1000000] [--pods 5000] [--queries 500] [--batch 5000]
//                          [--uri bolt://host:7687 --password ...]
import { EVENT_SEMANTICS, entityKey } from '@tapio/domain';
import { Neo4jGraphStore } from '@tapio/neo4j';
import { execFileSync } from 'node:child_process';
import { startNeo4j } from '../neo4j/test-server.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}
const EVENTS = Number(option('events', '1000000'));
const PODS = Number(option('pods', '5000'));
const QUERIES = Number(option('queries', '500'));
const BATCH = Number(option('batch', '5000'));
const CLUSTER = 'bench';
const NODES = 50;
const PODS_PER_DEPLOYMENT = 5;
const EPOCH = Date.parse('2026-03-02T00:00:00Z');
const EVENT_TYPES = ['pod_restart', 'probe_failed', 'pod_not_ready', 'oom_killed', 'k8s_event', 'container_killed', 'pod_ready'];

const ref = (kind, name, namespace) => (namespace ? { cluster: CLUSTER, kind, namespace, name } : { cluster: CLUSTER, kind, name });
const namespaceOf = (pod) => `ns-${pod % 20}`;
const deploymentOf = (pod) => Math.floor(pod / PODS_PER_DEPLOYMENT);
const podRef = (pod) => ref('Pod', `app-${deploymentOf(pod)}-rs-${pod}`, namespaceOf(pod));

function upsert(nodeRef, replace, edges, facts, at) {
  return { op: 'upsert', node: { key: entityKey(nodeRef), ref: nodeRef, deleted: false, updatedAt: at, facts: { kind: nodeRef.kind, name: nodeRef.name, namespace: nodeRef.namespace ?? null, ...facts } }, replace, edges };
}
const edge = (type, from, to) => ({ type, from: entityKey(from), to: entityKey(to) });

/** The topology of one deployment: Deployment, ReplicaSet, ConfigMap, Service and its pods. */
function deploymentTopology(deployment, at) {
  const namespace = namespaceOf(deployment * PODS_PER_DEPLOYMENT);
  const dep = ref('Deployment', `app-${deployment}`, namespace);
  const rs = ref('ReplicaSet', `app-${deployment}-rs`, namespace);
  const cm = ref('ConfigMap', `app-${deployment}-config`, namespace);
  const svc = ref('Service', `app-${deployment}`, namespace);
  const pods = Array.from({ length: PODS_PER_DEPLOYMENT }, (_, offset) => deployment * PODS_PER_DEPLOYMENT + offset).filter((pod) => pod < PODS);
  return [
    upsert(dep, [], [], { replicas: pods.length }, at),
    upsert(rs, [{ type: 'OWNS', direction: 'in' }], [edge('OWNS', dep, rs)], {}, at),
    upsert(cm, [], [], { dataKeys: ['app.yaml'] }, at),
    ...pods.map((pod) => {
      const p = podRef(pod);
      const node = ref('Node', `node-${pod % NODES}`);
      return upsert(
        p,
        [{ type: 'OWNS', direction: 'in' }, { type: 'RUNS_ON', direction: 'out' }, { type: 'MOUNTS', direction: 'out' }],
        [edge('OWNS', rs, p), edge('RUNS_ON', p, node), edge('MOUNTS', p, cm)],
        { phase: 'Running', nodeName: node.name, containers: [{ name: 'app', restartCount: 0 }] },
        at,
      );
    }),
    upsert(svc, [{ type: 'SELECTS', direction: 'out' }], pods.map((pod) => edge('SELECTS', svc, podRef(pod))), { serviceType: 'ClusterIP' }, at),
  ];
}

function makeEvent(index) {
  const pod = (index * 7919) % PODS;
  const type = EVENT_TYPES[index % EVENT_TYPES.length];
  const semantics = EVENT_SEMANTICS[type];
  const message = `${type} on pod ${pod}`;
  return {
    id: `bench-${index}`,
    type,
    timestamp: new Date(EPOCH + index * 50).toISOString(),
    source: 'kubeapi',
    severity: semantics.severity,
    message,
    semantic: { intent: semantics.intent, category: semantics.category, narrative: message },
    entity: podRef(pod),
    k8sContext: { cluster: CLUSTER, kind: 'Pod', namespace: namespaceOf(pod), name: podRef(pod).name },
    kubernetes: { reason: type, restartCount: index % 10 },
    processedAt: new Date(EPOCH + index * 50 + 5).toISOString(),
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

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

async function main() {
  const external = option('uri');
  const server = external ? undefined : await startNeo4j({ heapMb: 4096, pageCacheMb: 4096, startTimeoutMs: 180_000 });
  const password = option('password');
  const store = new Neo4jGraphStore({ uri: external ?? server.uri, ...(password ? { password } : {}), batchSize: BATCH, bufferLimit: BATCH * 4 });
  try {
    await store.start();
    console.log(`Neo4j graph store benchmark: ${EVENTS} events on ${PODS} pods, batch ${BATCH}, ${external ?? server.uri}`);
    const deployments = Math.ceil(PODS / PODS_PER_DEPLOYMENT);
    const topologyEvery = Math.max(1, Math.floor(EVENTS / deployments));
    let correlations = 0;
    let topologyChanges = 0;
    const started = performance.now();
    let lastReport = started;
    for (let begin = 0; begin < EVENTS; begin += BATCH) {
      const end = Math.min(EVENTS, begin + BATCH);
      const topology = [];
      for (let index = begin; index < end; index += 1) {
        if (index % topologyEvery === 0 && index / topologyEvery < deployments) topology.push(...deploymentTopology(index / topologyEvery, new Date(EPOCH + index * 50).toISOString()));
      }
      topologyChanges += topology.length;
      if (topology.length) await store.applyTopology(topology);
      const events = Array.from({ length: end - begin }, (_, offset) => makeEvent(begin + offset));
      await store.writeEvents(events);
      // A causal link every 20 events: the event 1,000 before on the same pod's stream.
      const links = events
        .filter((event, offset) => (begin + offset) % 20 === 0 && begin + offset >= PODS)
        .map((event) => ({ kind: 'CAUSED', fromEventId: `bench-${Number(event.id.slice(6)) - PODS}`, toEventId: event.id, confidence: 0.7, reason: 'bench', correlator: 'bench' }));
      correlations += links.length;
      await store.writeCorrelations(links);
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(`  ${end} events accepted, ${Math.round(end / ((lastReport - started) / 1000))} events/s so far`);
      }
    }
    await store.flush();
    const seconds = (performance.now() - started) / 1000;
    const rate = EVENTS / seconds;
    console.log(`ingest: ${EVENTS} events + ${topologyChanges} topology changes + ${correlations} correlations in ${seconds.toFixed(1)} s = ${Math.round(rate)} events/s (target >= 20000)`);
    console.log(`stored: ${JSON.stringify(await store.stats())}`);
    if (server) console.log(`on disk: ${execFileSync('du', ['-sh', server.dataDir]).toString().split('\t')[0]} (store files and transaction logs)`);

    const range = { since: new Date(EPOCH).toISOString() };
    const pick = (index) => (index * 104729) % PODS;
    const whyP99 = await timeQueries('why(pod)', QUERIES, (index) => store.why({ kind: 'Pod', namespace: namespaceOf(pick(index)), name: podRef(pick(index)).name }, range));
    const contextP99 = await timeQueries('eventContext(event)', QUERIES, (index) => store.eventContext(`bench-${(index * 15485863) % EVENTS}`));
    await timeQueries('timeline(pod)', Math.min(QUERIES, 200), (index) => store.timeline(podRef(pick(index)), range));
    await timeQueries('impact(configmap)', Math.min(QUERIES, 200), (index) => store.impact(ref('ConfigMap', `app-${index % deployments}-config`, namespaceOf((index % deployments) * PODS_PER_DEPLOYMENT))));
    console.log(`targets: ingest >= 20000 events/s: ${rate >= 20_000 ? 'met' : 'MISSED'}; why/context p99 < 100 ms: ${whyP99 < 100 && contextP99 < 100 ? 'met' : 'MISSED'}`);
  } finally {
    await store.stop();
    await server?.stop();
  }
}

await main();

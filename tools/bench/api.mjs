// REST API benchmark over the embedded (memory) graph store holding 1M events: latency of
// GET /api/v1/why and GET /api/v1/events/{id}/context over real HTTP on loopback (p50/p99,
// sequential requests), then requests/s of why under autocannon. Runs against the BUILT
// packages (npm run build first).
//
//   npm run bench:api -- [--events 1000000] [--pods 10000] [--queries 2000] [--seconds 10] [--connections 20]
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { MemoryGraphStore, PromClientMetrics } from '@tapio/embedded';
import { buildApi, GraphPatternAdmin, listenApi } from '@tapio/api';
import { EPOCH, iso, namespaceOf, option, percentile, PODS_PER_DEPLOYMENT, podRef, ref, syntheticCluster } from './synthetic-graph.mjs';

const EVENTS = Number(option('events', '1000000'));
const PODS = Number(option('pods', '10000'));
const QUERIES = Number(option('queries', '2000'));
const SECONDS = Number(option('seconds', '10'));
const CONNECTIONS = Number(option('connections', '20'));
const { deployments, deploymentTopology, makeEvent, causalLinks } = syntheticCluster(PODS);

/** An incident per deployment: its ConfigMap changed, its pods crash. */
function makeInsight(deployment, at) {
  const namespace = namespaceOf(deployment * PODS_PER_DEPLOYMENT);
  const pods = Array.from({ length: PODS_PER_DEPLOYMENT }, (_, offset) => podRef(deployment * PODS_PER_DEPLOYMENT + offset));
  const cm = ref('ConfigMap', `app-${deployment}-config`, namespace);
  const insight = {
    id: `ins-${deployment}`,
    title: `ConfigMap app-${deployment}-config broke app-${deployment}`,
    severity: 'high',
    confidence: 0.8,
    pattern: 'config-cascade',
    predictionId: `pred-${deployment}`,
    rootCause: { entity: cm, what: 'data key app.yaml edited' },
    symptoms: pods,
    chain: pods.map((pod) => ({ entity: pod, type: 'crash_loop', timestamp: at, summary: 'crash loop', relation: 'mounts' })),
    affected: [...pods, ref('Deployment', `app-${deployment}`, namespace)],
    story: `ConfigMap ${namespace}/app-${deployment}-config edited\n  └─ ${pods.length} pods crash-looping`,
    nextChecks: ['kubectl describe configmap'],
    previousOccurrences: [],
    eventIds: [],
    firstSeen: at,
    lastSeen: at,
    createdAt: at,
  };
  const prediction = { id: `pred-${deployment}`, patternId: 'config-cascade', insightId: insight.id, type: 'cascading_failure', confidence: 0.8, message: 'pods will crash', impact: [], createdAt: at };
  return { insight, prediction };
}

async function timeCalls(name, count, call) {
  const times = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    JSON.stringify(await call(index));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(30)} p50 ${percentile(times, 50).toFixed(2)} ms   p99 ${percentile(times, 99).toFixed(2)} ms   max ${times[times.length - 1].toFixed(1)} ms   (${count} calls)`);
  return percentile(times, 99);
}

async function timeRequests(name, count, url) {
  const times = [];
  let bytes = 0;
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    const response = await fetch(url(index));
    const body = await response.arrayBuffer();
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status} for ${url(index)}`);
    bytes += body.byteLength;
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(30)} p50 ${percentile(times, 50).toFixed(2)} ms   p99 ${percentile(times, 99).toFixed(2)} ms   max ${times[times.length - 1].toFixed(1)} ms   (${count} requests, ${Math.round(bytes / count)} bytes/answer)`);
  return percentile(times, 99);
}

/** Runs autocannon in a child process over the given paths, round robin; resolves with its result. */
function loadFromChild(base, paths) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--load-generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (result) => resolve(result));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited ${code}`)));
    child.send({ base, paths, connections: CONNECTIONS, seconds: SECONDS });
  });
}

async function generateLoad() {
  const { base, paths, connections, seconds } = await new Promise((resolve) => process.once('message', resolve));
  let next = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }) }],
  });
  process.send({ errors: result.errors, non2xx: result.non2xx, requests: result.requests, latency: result.latency }, () => process.exit(0));
}

async function main() {
  const graph = new MemoryGraphStore({ retention: { maxEvents: EVENTS, maxAgeMs: 365 * 86_400_000 }, maxInsights: 100_000 });
  await graph.start();
  const started = performance.now();
  await graph.write({ topology: Array.from({ length: deployments }, (_, deployment) => deploymentTopology(deployment, iso(EPOCH))).flat() });
  const BATCH = 10_000;
  for (let begin = 0; begin < EVENTS; begin += BATCH) {
    const end = Math.min(EVENTS, begin + BATCH);
    const events = Array.from({ length: end - begin }, (_, offset) => makeEvent(begin + offset));
    await graph.write({ events: events });
    await graph.write({ correlations: causalLinks(events, begin) });
  }
  const incidents = Array.from({ length: Math.min(deployments, 2000) }, (_, deployment) => makeInsight(deployment, iso(EPOCH + deployment * 1000)));
  await graph.write({ insights: incidents.map((item) => item.insight), predictions: incidents.map((item) => item.prediction) });
  await graph.upsertPatterns([{ patternId: 'config-cascade', baseConfidence: 0.85, confidence: 0.85, accuracy: null, feedbackCount: 0, accurateCount: 0, matches: incidents.length }]);
  const stats = await graph.stats();
  console.log(`graph loaded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(stats)}, heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);

  const metrics = new PromClientMetrics();
  const app = await buildApi({ graph, metrics, health: () => ({ graph: graph.health() }), patterns: new GraphPatternAdmin(graph) });
  const base = await listenApi(app, { host: '127.0.0.1', port: 0 });
  const pick = (index) => (index * 104729) % PODS;
  const whyUrl = (index) => {
    const pod = podRef(pick(index));
    return `${base}/api/v1/why/pod/${pod.namespace}/${pod.name}`;
  };
  try {
    console.log('the store answering (graph query + JSON), in process:');
    const whyStoreP99 = await timeCalls('graph.why(pod)', QUERIES, (index) => graph.why(podRef(pick(index)), {}));
    const contextStoreP99 = await timeCalls('graph.eventContext(id)', QUERIES, (index) => graph.eventContext(`bench-${(index * 15485863) % EVENTS}`));
    console.log(`REST API at ${base} (Node ${process.version}); sequential requests over HTTP on loopback:`);
    // Warm up the JIT and the connection pool before measuring.
    for (let index = 0; index < 200; index += 1) await (await fetch(whyUrl(index))).arrayBuffer();
    const whyP99 = await timeRequests('GET why/pod/{ns}/{name}', QUERIES, whyUrl);
    await timeRequests('GET why/deployment/{ns}/{name}', Math.min(QUERIES, 500), (index) => `${base}/api/v1/why/deployment/${namespaceOf((index % deployments) * PODS_PER_DEPLOYMENT)}/app-${index % deployments}`);
    const contextP99 = await timeRequests('GET events/{id}/context', QUERIES, (index) => `${base}/api/v1/events/bench-${(index * 15485863) % EVENTS}/context`);
    await timeRequests('GET events?kind=pod&...', Math.min(QUERIES, 500), (index) => {
      const pod = podRef(pick(index));
      return `${base}/api/v1/events?kind=pod&namespace=${pod.namespace}&name=${pod.name}&limit=50`;
    });

    // The load generator runs in its own process so it does not share the server's event loop.
    const paths = Array.from({ length: 5000 }, (_, index) => new URL(whyUrl(index)).pathname);
    const result = await loadFromChild(base, paths);
    const errors = result.errors + result.non2xx;
    console.log(
      `autocannon why/pod: ${CONNECTIONS} connections, ${SECONDS} s: ${Math.round(result.requests.average)} requests/s average, latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms, ${result.requests.total} requests, ${errors} errors/non-2xx`,
    );
    const verdict = (p99s) => (p99s.every((value) => value < 20) ? 'met' : 'MISSED');
    console.log(`target p99 < 20 ms: store ${verdict([whyStoreP99, contextStoreP99])} (why ${whyStoreP99.toFixed(2)} ms, context ${contextStoreP99.toFixed(2)} ms); over HTTP ${verdict([whyP99, contextP99])} (why ${whyP99.toFixed(2)} ms, context ${contextP99.toFixed(2)} ms); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);
  } finally {
    await app.close();
    await graph.stop();
  }
}

if (process.argv.includes('--load-generator')) await generateLoad();
else await main();

// Initial sync of a generated cluster by the Kubernetes API collector into the embedded
// graph: 10,000 pods, 2,000 services, 1,000 ConfigMaps and their owners (1,000
// Deployments, 1,000 ReplicaSets), 20 namespaces and 50 nodes, each RawEvent through the
// pipeline and into the memory graph (topology and events). Measures the wall time from
// start() until every informer has delivered its list, the peak memory of this process
// (the API server runs in a child process), then the steady-state rate of watch updates. Needs `npm run build`. Usage: npm run bench:kubeapi
// (PODS, SERVICES, CONFIGMAPS, UPDATES override the sizes).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeApiCollector, KubeApiTransformer } from '@tapio/collector-kubeapi';
import { GraphIngestor } from '@tapio/correlation';
import { DeadLetterStore, MemoryGraphStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';

const sizes = { pods: Number(process.env.PODS ?? 10_000), services: Number(process.env.SERVICES ?? 2_000), configMaps: Number(process.env.CONFIGMAPS ?? 1_000) };
const UPDATES = Number(process.env.UPDATES ?? 20_000);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(0);

const server = fork(join(import.meta.dirname, 'kubeapi-synthetic-server.mjs'), [JSON.stringify(sizes)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ port, objects }] = await once(server, 'message');
const url = `http://127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), 'tapio-bench-kubeapi-'));
try {
  console.log(`generated cluster: ${objects} objects (${sizes.pods} pods, ${sizes.services} services, ${sizes.configMaps} ConfigMaps, their Deployments and ReplicaSets, 20 namespaces, 50 nodes)`);
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true\nusers:\n- name: bench\n  user:\n    token: bench\ncontexts:\n- name: bench\n  context:\n    cluster: bench\n    user: bench\ncurrent-context: bench\n`);

  const baseline = process.memoryUsage().rss;
  let events = 0;
  let updates = 0;
  // The full embedded path: RawEvent -> pipeline (kubeapi transformer) -> topology and events in the memory graph.
  const graph = new MemoryGraphStore();
  await graph.start();
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore() });
  const ingestor = new GraphIngestor(graph);
  const sink = {
    emit: async (event) => {
      events += 1;
      if (event.type === 'MODIFIED') updates += 1;
      const result = pipeline.transform(event);
      if (result.ok) await ingestor.ingest(result.events);
    },
  };
  const collector = new KubeApiCollector({ cluster: 'bench', kubeconfig, listPageSize: 500 });
  const peak = { rss: 0, heap: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heap = Math.max(peak.heap, usage.heapUsed);
  };
  const sampler = setInterval(sample, 10);
  const started = performance.now();
  await collector.start(sink);
  await collector.synced();
  const seconds = (performance.now() - started) / 1000;
  sample();
  const stats = await graph.stats();
  console.log(`initial sync into the embedded graph: ${events} RawEvents in ${seconds.toFixed(2)} s (${Math.round(events / seconds)} events/s); graph ${stats.resources} resources, ${stats.relationships} relationships`);
  console.log(`peak memory (collector process): rss ${mb(peak.rss)} MB (before start ${mb(baseline)} MB), heap used ${mb(peak.heap)} MB`);
  console.log(`pod index: ${collector.index.size} pods; health: ${collector.health().status}`);
  console.log(`targets: wall time < 10 s ${seconds < 10 ? 'met' : 'MISSED'}; peak rss < 500 MB ${peak.rss < 500 * 1024 * 1024 ? 'met' : 'MISSED'}`);

  updates = 0;
  const churnStart = performance.now();
  await fetch(`${url}/bench/churn?count=${UPDATES}`, { method: 'POST' });
  while (updates < UPDATES) await new Promise((done) => setTimeout(done, 2));
  const churnSeconds = (performance.now() - churnStart) / 1000;
  clearInterval(sampler);
  console.log(`steady state: ${UPDATES} ConfigMap watch updates through the pipeline into the graph in ${churnSeconds.toFixed(2)} s (${Math.round(UPDATES / churnSeconds)} updates/s); peak rss ${mb(peak.rss)} MB`);
  await collector.stop();
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}

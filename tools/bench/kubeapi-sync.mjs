// Initial sync of a generated cluster by the Kubernetes API collector: 10,000 pods,
// 2,000 services, 1,000 ConfigMaps and their owners (1,000 Deployments, 1,000
// ReplicaSets), 20 namespaces and 50 nodes. Measures the wall time from start() until
// every informer has delivered its list as RawEvents, the peak memory of this process
// (the collector; the API server runs in a child process), then the steady-state rate of
// watch updates turned into RawEvents. Needs `npm run build`. Usage: npm run bench:kubeapi
// (PODS, SERVICES, CONFIGMAPS, UPDATES override the sizes).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeApiCollector } from '@tapio/collector-kubeapi';

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
  const sink = { emit: async (event) => { events += 1; if (event.type === 'MODIFIED') updates += 1; } };
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
  console.log(`initial sync: ${events} RawEvents in ${seconds.toFixed(2)} s (${Math.round(events / seconds)} events/s)`);
  console.log(`peak memory (collector process): rss ${mb(peak.rss)} MB (before start ${mb(baseline)} MB), heap used ${mb(peak.heap)} MB`);
  console.log(`pod index: ${collector.index.size} pods; health: ${collector.health().status}`);
  console.log(`targets: wall time < 10 s ${seconds < 10 ? 'met' : 'MISSED'}; peak rss < 500 MB ${peak.rss < 500 * 1024 * 1024 ? 'met' : 'MISSED'}`);

  updates = 0;
  const churnStart = performance.now();
  await fetch(`${url}/bench/churn?count=${UPDATES}`, { method: 'POST' });
  while (updates < UPDATES) await new Promise((done) => setTimeout(done, 2));
  const churnSeconds = (performance.now() - churnStart) / 1000;
  clearInterval(sampler);
  console.log(`steady state: ${UPDATES} ConfigMap watch updates to RawEvents in ${churnSeconds.toFixed(2)} s (${Math.round(UPDATES / churnSeconds)} updates/s); peak rss ${mb(peak.rss)} MB`);
  await collector.stop();
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
